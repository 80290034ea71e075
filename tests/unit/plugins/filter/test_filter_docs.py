"""Every filter of the collection has its ansible-doc page (plugins/filter/<name>.yml) naming each argument."""

import importlib
import inspect
from pathlib import Path

import pytest
import yaml

FILTER_DIR = Path(__file__).resolve().parents[4] / "plugins" / "filter"
FILTERS = {
    name: function
    for module in sorted(FILTER_DIR.glob("*.py"))
    for name, function in importlib.import_module(f"ansible_collections.fastops.stack.plugins.filter.{module.stem}")
    .FilterModule()
    .filters()
    .items()
}


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_the_filter_has_a_doc_page_with_its_arguments(name):
    page = FILTER_DIR / f"{name}.yml"
    assert page.is_file(), f"no ansible-doc page {page.name} for the filter {name}"
    doc = yaml.safe_load(page.read_text())
    assert doc["DOCUMENTATION"]["name"] == name
    parameters = list(inspect.signature(FILTERS[name]).parameters)
    assert list(doc["DOCUMENTATION"]["options"]) == ["_input", *parameters[1:]]
    assert "_value" in doc["RETURN"]
    assert f"fastops.stack.{name}" in doc["EXAMPLES"]


def test_no_page_without_a_filter():
    assert {page.stem for page in FILTER_DIR.glob("*.yml")} == set(FILTERS)
