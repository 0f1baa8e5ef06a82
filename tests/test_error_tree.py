"""One error module: every exception class of the bot is in bots/errors.py, under AdvocacyError;
``except Exception`` only in the job runner, which must catch everything."""

from __future__ import annotations

import ast
import inspect

from bots import errors
from bots.paths import PACKAGE_DIR

RUNNER = PACKAGE_DIR / "jobs" / "context.py"


def _modules() -> list[tuple[str, ast.Module]]:
    """The bot's modules. Not bots/localwiki: dev tooling that runs on the system's python3
    with nothing of bots but bots.paths, with its own two errors (Fatal, LocalWikiError)."""
    return [(str(p.relative_to(PACKAGE_DIR.parent)), ast.parse(p.read_text()))
            for p in sorted(PACKAGE_DIR.rglob("*.py"))
            if "localwiki" not in p.relative_to(PACKAGE_DIR).parts]


def test_every_exception_class_is_in_bots_errors() -> None:
    # Imported, not read: a class derived from any exception (OSError, TypeError, a
    # pywikibot error ...) outside bots/errors.py is found, whatever its base is called.
    import importlib

    elsewhere = []
    for path, _ in _modules():
        if path == "bots/errors.py" or path.endswith("__main__.py"):
            continue
        module = importlib.import_module(path.removesuffix(".py").replace("/", ".")
                                         .removesuffix(".__init__"))
        for name, obj in vars(module).items():
            if isinstance(obj, type) and issubclass(obj, BaseException) \
                    and obj.__module__ == module.__name__:
                elsewhere.append(f"{path}: {name}")
    assert not elsewhere


def test_the_tree() -> None:
    classes = [obj for _, obj in inspect.getmembers(errors, inspect.isclass)
               if obj.__module__ == errors.__name__]
    for cls in classes:
        if cls is errors.Terminated:  # SIGTERM: must get past every `except Exception`
            assert not issubclass(cls, Exception) and issubclass(cls, BaseException)
        else:
            assert issubclass(cls, errors.AdvocacyError), cls
        assert cls.__name__ in errors.__doc__, f"{cls.__name__} is not in the docstring's tree"
    # what callers catch them as
    assert issubclass(errors.ConfigError, RuntimeError)
    assert issubclass(errors.MarkerError, ValueError)
    assert issubclass(errors.UnknownField, KeyError)
    assert "pywikibot" not in {m.split(".")[0] for m in _imports(ast.parse(
        (PACKAGE_DIR / "errors.py").read_text()))}


def _imports(tree: ast.Module) -> set[str]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_except_exception_only_in_the_job_runner() -> None:
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler):
                caught = node.type
                names = [] if caught is None else \
                    [ast.unparse(e) for e in (caught.elts if isinstance(caught, ast.Tuple)
                                              else [caught])]
                # (bots.wiki.pages.prefetched catches BaseException in its producer thread to
                # raise it again in the consumer: nothing is swallowed there.)
                if caught is None or "Exception" in names:
                    found.append(f"{path}:{node.lineno}")
    # And the EventStreams reader's thread (bots.wiki.changes.StreamReader.run): whatever ends
    # it is logged with its traceback and handed to the watcher, which polls instead; a
    # thread that died silently would leave the watcher waiting on an empty queue.
    runner = [f for f in found if f.startswith("bots/jobs/context.py:")]
    stream = [f for f in found if f.startswith("bots/wiki/changes.py:")]
    assert len(runner) == 2  # the job's failure, and a connection that failed
    assert len(stream) == 1 and len(found) == 3, found
