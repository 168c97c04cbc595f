"""The spec stage: Markdown and YAML spec documents → areas, features and cases."""

from spectrace.specs.load import load_specs, read_spec
from spectrace.specs.markdown import parse_markdown
from spectrace.specs.merge import merge_specs
from spectrace.specs.yamlspec import parse_yaml_spec

__all__ = ["load_specs", "merge_specs", "parse_markdown", "parse_yaml_spec", "read_spec"]
