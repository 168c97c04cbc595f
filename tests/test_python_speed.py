"""The shortcuts python.py takes for speed give what the long way gives."""

from __future__ import annotations

import ast
import dataclasses
import textwrap

import pytest

from spectrace.discover.python import PythonDiscoverer, _docstring, _new_test
from spectrace.model import Test, TestKind


def _parse(source: str) -> dict[str, Test]:
    found = PythonDiscoverer().parse(textwrap.dedent(source), "tests/test_x.py", TestKind.UNIT)
    assert found.problems == ()
    return {t.qualname: t for t in found.tests}


def test_a_test_built_without_init_is_the_same_test():
    # _new_test skips the frozen dataclass's __init__, as unpickling does: that is only
    # the same while Test has no __post_init__, no slots and takes its fields as given.
    assert not hasattr(Test, "__post_init__") and not hasattr(Test, "__slots__")
    fields = {f.name: f"{f.name}!" for f in dataclasses.fields(Test)}
    fields.update(line=3, skipped=True, xfail=False, params=None, markers=("a",),
                  ids=("1.2",), texts=("t",))
    built, made = _new_test(**fields), Test(**fields)
    assert built == made and hash(built) == hash(made) and repr(built) == repr(made)
    assert list(vars(built).items()) == list(vars(made).items())
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize("doc", [
    '"""One line."""', '"""  Indented line. """', '"""tab\there"""', '""""""', '" "',
    '"""First.\n\n    More, indented.\n    """', '"""\n    Starts on line two.\n"""',
    "'''\x0cform feed'''", '"""ends in a carriage return\r"""', "r'''raw \\n'''"])
@pytest.mark.parametrize("kind", ["def f():\n    {doc}\n    pass", "class C:\n    {doc}\n"])
def test_docstrings_are_cleaned_as_ast_get_docstring_does(doc, kind):
    node = ast.parse(kind.format(doc=doc)).body[0]
    assert _docstring(node) == ast.get_docstring(node)


@pytest.mark.parametrize("source", ["def f():\n    x = 1\n", "def f():\n    f'{x}'\n",
                                    "def f(): pass\n", "class C:\n    b'bytes'\n"])
def test_no_docstring_where_ast_sees_none(source):
    node = ast.parse(source).body[0]
    assert _docstring(node) is None and ast.get_docstring(node) is None


@pytest.mark.spec("2.2.3")
def test_a_fixture_spelled_in_fullwidth_letters_is_still_read():
    # Python NFKC-normalises identifiers: `ｆｉｘｔｕｒｅ` is `fixture`, `ａｕｔｏｕｓｅ` is
    # `autouse`. The cheap text checks for those words must not miss them.
    tests = _parse('''
        import pytest

        @pytest.ｆｉｘｔｕｒｅ(params=[1, 2, 3], ａｕｔｏｕｓｅ=True)
        def number(request):
            return request.param

        @pytest.ｆｉｘｔｕｒｅ(params=["a", "b"])
        def letter(request):
            return request.param

        def test_numbers():
            pass

        def test_letters(letter):
            pass
    ''')
    assert tests["test_numbers"].params == 3
    assert tests["test_letters"].params == 6


@pytest.mark.spec("2.2.3")
def test_words_fixture_and_autouse_in_plain_text_are_found():
    tests = _parse('''
        import pytest

        @pytest.fixture(autouse=True, params=[1, 2])
        def setting(request):
            return request.param

        class TestThing:
            @pytest.fixture(params=["x", "y", "z"])
            def flavour(self, request):
                return request.param

            def test_uses(self, flavour):
                pass

        def test_plain():
            pass
    ''')
    assert tests["TestThing::test_uses"].params == 6
    assert tests["test_plain"].params == 2
