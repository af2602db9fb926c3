"""The model: the Python side of `ontology/`.

Takes the OWL ontology and SHACL shapes in `ontology/` and hands on the `civ:` namespace
(`vocab`), the identifiers of instances and graphs, and a `Model` (`ontology`): the entity
classes, relations, measures and dimensions, with the property-graph labels and edge types
each declares. Every later stage reads the model from here; none restates it.
"""
