"""The hand-written part of RESULTS.md: how the build was made faster, and what missed."""

NOTES = """
## What was made faster (issues 5, 6 and 8)

The first measurements (2026-11-25, morning) gave, at N = 10k / 100k: build 12.5 s / 105 s,
projection 8.6 s / 88 s, lookup 1.7 ms / 61 ms, path 3.4 ms / 33 ms, PageRank 0.74 s /
4.9 s, reach 12.6 s / over 60 s, Bolt load 94 s / over 600 s. What changed since:

- **YAML** (`civicgraph.build.blockyaml`): a line reader for the plain block YAML data files use,
  and a JSON-speed path for files written one record per line (`- {"id": ...}`, the layout
  `synth` writes by default). Plain scalars go through PyYAML's own resolver and escapes;
  anything else falls back to PyYAML for that file, with its error messages.
- **Loading while reading** (`civicgraph.store.builder`): each data file's records are turned into
  N-Triples as soon as they are read (ontology terms looked up once, literals escaped by
  json's C encoder) and written into an OS pipe that Oxigraph's bulk loader reads by
  path. Given a path, pyoxigraph releases the GIL for the whole load, so parsing, sorting
  and writing indexes in Rust overlap with reading and checking records in Python (given
  a Python file object it holds the GIL and the two took turns). The load is cut into
  parts of about 40 MB, each its own bulk load, so Oxigraph writes one part while the
  next is read. A failed check abandons the load; the build was written aside anyway.
- **Data in the default graph**: Oxigraph keeps three indexes for the default graph and
  six for a named one, so this halves the loader's work (10k: 5.6 s → 3.6 s alone). The
  ontology keeps its named graph, and the union default graph the endpoint serves is the
  same as before.
- **What the build already knows, kept beside the store**: the projection, the name index
  and every entity's and relationship's citations are written from the records during the
  build (`civicgraph.store.kept`), so nothing has to read them back from Oxigraph, where
  each term of each quad is a random lookup in its string table (about 10 µs at 10k and
  25 µs at 100k entities: the projection alone took 88 s at 100k). A test holds the kept
  files equal to what the store gives back.
- **SHACL at scale** (`civicgraph.build.validate`): up to 5,000 records pyshacl checks everything;
  above, a deterministic sample (every k-th record, 50 of each kind) plus every entity the
  sample references. Data errors the shapes could see are caught, completely, by `ingest`
  and `check_records`; what is left, a writer turning a valid record into a malformed node,
  is systematic and shows in any sample (`tests/test_build_scale.py` breaks the writer and
  the sample catches it).
- **SHACL in a child process** (`validate.ShapeChecker`): the build starts
  `python -m civicgraph.build.validate` before it reads the records. The child imports pyshacl and
  rdflib and reads the ontology (about 0.7 s of Python) while the first part is still being
  read, when a core is idle; it then validates the sample while the build checks references
  and writes its caches. Imported inside the build, pyshacl had also left garbage cycles
  (rdflib's SPARQL grammar, built by pyparsing, keeps exceptions whose tracebacks hold every
  frame below the import, the build's included), so every record stayed alive until the
  collector found them: a 1 s collection at the end of a 10k build. 10k: 5.6 s → 4.4 s.
- **Reach** scores every target off one breadth-first search (the best attested path to a
  node extends the best one to a predecessor), instead of enumerating shortest paths per
  target: linear instead of quadratic; a test checks it against brute force.
- **PageRank** runs as a sparse power iteration (scipy) on the collapsed graph, to a total
  change below 1e-11 (networkx's algorithm, iterated further); igraph's solvers with
  weights took 0.6 s at 100k. The graph reaches it as index arrays numbered straight from
  the collapsed pairs (`graph.indexed.Indexed`), with no tuple per edge and no igraph graph
  (igraph is built from the same arrays for betweenness only): 100k first call 1.1 s →
  0.66 s. The ranking folds labels only for the entities that can reach the top.
- **Path and profile**: a hop's citations are read by their `civ:citation` links only.
- **Bolt** (`civicgraph.serve.bolt.arcade_load`): `serve bolt` loads the embedded ArcadeDB
  in process, through the JSON batch bridge of the `arcadedb-embedded` wheel (vertices and
  edges in batches of 20k, indexes after the data, the WAL off for the throw-away
  database, edges flushed bucket by bucket in parallel), with the rows kept beside the
  build. Python's cyclic garbage collector is paused while the rows are built and sent (it
  walked millions of live objects again and again). The JVM starts first
  (`civicgraph.serve.bolt.arcade` imports only the light `driver` and `store.loading`),
  then the server starts on a thread while the main thread imports, opens the store and
  builds the rows; new rows are written beside the build only once the server says
  `ready`. `push` to another server still sends batched
  `UNWIND $rows … MERGE` through the neo4j driver.
- **Reading records**: ids and dates that recur are checked once (`lru_cache`), plain
  strings take a fast path, and the kept citations go through one JSON encoder.
- **matplotlib** (only for the plot) left the default environment: igraph imports it at
  start-up when it is installed, 1–2 s on every command that scores a large graph. The
  plot needs `uv run --group bench`.

## Targets: all met in this run, some narrowly

- **Build at 10k** (< 5 s and ≥ 5× rdflib): 4.6 s against rdflib's 28.1 s, 6.1×. The
  build does on two cores what the naive load does not: it reads and types every record,
  finds every quote in the source text, checks every reference, runs SHACL on a sample,
  writes persistent indexes, and keeps the projection, names and citations beside the
  store: about 8 s of CPU at 10k, of which Oxigraph's indexing is about 3.5 s. An earlier
  run the same morning, before the last changes to reading records, gave 5.2 s (5.0×).
- **Bolt load at 10k** (< 10 s): 9.7 s, a narrow margin. About 3 s is the JVM and the
  server starting and about 2.5 s the schema (some 50 vertex and 40 edge types, 130
  bucket indexes), whatever the graph's size; creating the indexes before the data or in
  one SQL script costs the same. The run before these last changes gave 11.7 s.
- **PageRank at 100k, first call** (< 1 s): 0.66 s (0.24 s again).

Not targets, but worth knowing:

- `explore` draws the Network page's first view before its server listens (as `serve bolt`
  says `ready` once loaded): 4.4 s at 1k, 16.7 s at 100k, most of it opening, collapsing
  and scoring the graph; the first visitor then draws in 2.7 s at 10k (4.1 s at 100k).
  Keeping the scores beside the build would remove most of the wait.
- `export --format nt` reads every term back from the store (about 1 minute at 100k).
- The part-wise load leaves more, smaller files in the store (10k: 83 MB on disk in this
  run, 118 MB in another, against 77 MB for one load) until RocksDB compacts them.
- The machine has 2 vCPUs and timings move between runs, by up to a factor of two for
  in-process lookups (10k: 1.7 ms, 3.8 ms and 2.7 ms in three runs of the same code).
  Both stacks ran in the same run on the same data.
"""
