"""Writes the README's C++ blocks as one program, so the build compiles them
and a test runs them (ctest docs.readme_cpp_blocks): the tour and its
encrypted peers in one scope (the second block goes on from the first's
devices), the Simulation block in another. Includes and using-directives
move to the top; every other line goes into main() as the README has it.

    readme_cpp_program.py README.md OUT.cpp
"""
import re
import sys

# Each block by a line that only it has; a block the README loses (or changes
# past recognition) is an error here, not a program that quietly tests less.
SCOPES = [["SimDevices air;", "ea.set_pmk("], ["espnow::Simulation sim("]]


def blocks(readme):
    return re.findall(r"^```cpp\n(.*?)^```", readme, flags=re.S | re.M)


def find(all_blocks, marker):
    found = [b for b in all_blocks if marker in b]
    if len(found) != 1:
        sys.exit("readme_cpp_program.py: %d C++ blocks of README.md hold %r, not 1" % (len(found), marker))
    return found[0]


def main(readme_path, out_path):
    with open(readme_path, encoding="utf-8") as f:
        all_blocks = blocks(f.read())
    top, body = ["#include <cstdio>"], []
    for scope in SCOPES:
        body.append("  {")
        for marker in scope:
            for line in find(all_blocks, marker).splitlines():
                if line.startswith(("#include", "using namespace")):
                    if line not in top:
                        top.append(line)
                else:
                    body.append("    " + line if line else "")
        body.append("  }")
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("// Written by tests/docs/readme_cpp_program.py from README.md: do not edit.\n")
        f.write("\n".join(top) + "\n\nint main() {\n" + "\n".join(body) + "\n}\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
