#!/usr/bin/env python3
"""Fails when a layer includes a layer above it (DESIGN.md, "Layers").

Every public header lives in include/espnow/<layer>/ and every source in
src/<layer>/. A file of one layer may include its own layer's headers and
those of the layers listed below for it, nothing else: not a higher layer,
not a header outside the layers, not the ESP-IDF emulation (a front end).

    scripts/check_layers.py [--root DIR] [--stamp FILE]

Exit status 0 when the tree is layered, 1 with one line per violation.
The build runs it before the libraries (an upward include does not build)
and `make test` runs it on a deliberately broken copy to show it bites.
"""
import argparse
import pathlib
import re
import sys

# What each layer may include besides itself, lowest first.
ALLOWED = {
    "common": set(),
    "wire": {"common"},
    "sim": {"common", "wire"},
    "radio": {"common", "wire", "sim"},
    "link": {"common", "wire", "sim", "radio"},
    "api": {"common", "wire", "sim", "radio", "link"},
    "async": {"common", "wire", "sim", "radio", "link", "api"},
    "host": {"common", "wire", "sim", "radio"},
    "devices": {"common", "wire", "sim", "radio", "link", "api", "async"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.MULTILINE)


def layer_files(root):
    """(layer, path) for every header and source that belongs to a layer."""
    for base in (root / "include" / "espnow", root / "src"):
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix in (".hpp", ".h", ".cpp") and path.is_file():
                yield path.relative_to(base).parts[0], path


def emulation_headers(root):
    """Headers of the ESP-IDF emulation that are ours, not ESP-IDF's."""
    emul = root / "emul"
    return {p.name for p in emul.rglob("espnow_*") if p.suffix in (".h", ".hpp")} if emul.is_dir() else set()


def violations(root):
    emulation = emulation_headers(root)
    for layer, path in layer_files(root):
        if layer not in ALLOWED:
            yield f"{path.relative_to(root)}: '{layer}' is not a layer (DESIGN.md names them)"
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in INCLUDE.finditer(text):
            target = match.group(1)
            line = text.count("\n", 0, match.start()) + 1
            where = f"{path.relative_to(root)}:{line}"
            if target.startswith("espnow/"):
                parts = target.split("/")
                used = parts[1] if len(parts) > 2 else None
                if used is None:
                    yield f"{where}: includes {target}, which is in no layer"
                elif used != layer and used not in ALLOWED[layer]:
                    yield f"{where}: layer '{layer}' includes {target} from layer '{used}' above it"
            elif pathlib.PurePath(target).name in emulation:
                yield f"{where}: layer '{layer}' includes {target}, part of the ESP-IDF emulation (a front end)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parent.parent)
    parser.add_argument("--stamp", type=pathlib.Path, help="touched when the tree is layered (for the build)")
    args = parser.parse_args()
    found = list(violations(args.root.resolve()))
    for v in found:
        print(f"layering: {v}", file=sys.stderr)
    if found:
        print(f"layering: {len(found)} upward include(s); see DESIGN.md, \"Layers\"", file=sys.stderr)
        return 1
    if args.stamp:
        args.stamp.touch()
    return 0


if __name__ == "__main__":
    sys.exit(main())
