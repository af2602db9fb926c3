"""Settings resolve as option > CIVICGRAPH_* environment > default."""

from __future__ import annotations

from pathlib import Path

from civicgraph.config import DEFAULT_STORE, REPO_DIR, Settings


def test_defaults() -> None:
    settings = Settings.resolve(env={})
    assert settings.store_dir == Path(DEFAULT_STORE)
    assert (settings.ontology_dir / "civicgraph.ttl").is_file()
    assert settings.app_dir == REPO_DIR / "app"
    assert settings.bolt_uri is None


def test_environment_overrides_default_and_option_overrides_environment(tmp_path: Path) -> None:
    env = {
        "CIVICGRAPH_STORE": "/from/env",
        "CIVICGRAPH_DATA": "/data/env",
        "CIVICGRAPH_BOLT_URI": "bolt://localhost:7687",
    }
    from_env = Settings.resolve(env=env)
    assert from_env.store_dir == Path("/from/env") and from_env.data_dir == Path("/data/env")
    assert from_env.bolt_uri == "bolt://localhost:7687"
    explicit = Settings.resolve(store_dir=tmp_path, env=env)
    assert explicit.store_dir == tmp_path
    assert explicit.with_store(Path("x")).store_dir == Path("x")
