"""scripts/check_layers.py: the tree passes, and an upward include fails it."""
import os
import pathlib
import shutil
import subprocess
import sys

SOURCE = pathlib.Path(os.environ.get("ESPNOW_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
SCRIPT = SOURCE / "scripts" / "check_layers.py"


def check(root):
    return subprocess.run([sys.executable, str(SCRIPT), "--root", str(root)], capture_output=True, text=True)


def copy_tree(tmp_path):
    for part in ("include", "src", "emul"):
        shutil.copytree(SOURCE / part, tmp_path / part)
    return tmp_path


def add_line(path, line):
    text = path.read_text()
    path.write_text(line + "\n" + text)


def test_the_tree_is_layered():
    result = check(SOURCE)
    assert result.returncode == 0, result.stderr


def test_wire_including_the_api_fails(tmp_path):
    root = copy_tree(tmp_path)
    add_line(root / "src" / "wire" / "frame.cpp", '#include "espnow/api/espnow.hpp"')
    result = check(root)
    assert result.returncode == 1
    assert "src/wire/frame.cpp:1: layer 'wire' includes espnow/api/espnow.hpp from layer 'api' above it" in result.stderr


def test_a_public_header_including_a_higher_layer_fails(tmp_path):
    root = copy_tree(tmp_path)
    add_line(root / "include" / "espnow" / "radio" / "radio.hpp", "#include <espnow/link/link.hpp>")
    result = check(root)
    assert result.returncode == 1
    assert "layer 'radio' includes espnow/link/link.hpp from layer 'link' above it" in result.stderr


def test_sim_may_not_include_the_radio(tmp_path):
    root = copy_tree(tmp_path)
    add_line(root / "src" / "sim" / "engine.cpp", '#include "espnow/radio/radio.hpp"')
    result = check(root)
    assert result.returncode == 1
    assert "src/sim/engine.cpp:1: layer 'sim' includes espnow/radio/radio.hpp from layer 'radio' above it" in result.stderr


def test_radio_may_include_sim(tmp_path):
    root = copy_tree(tmp_path)
    add_line(root / "src" / "radio" / "sim_air.cpp", '#include "espnow/sim/engine.hpp"')
    assert check(root).returncode == 0


def test_host_may_not_include_the_api(tmp_path):
    root = copy_tree(tmp_path)
    add_line(root / "src" / "host" / "pcap_file.cpp", '#include "espnow/api/espnow.hpp"')
    assert check(root).returncode == 1


def test_device_code_including_the_emulation_fails(tmp_path):
    root = copy_tree(tmp_path)
    add_line(root / "src" / "link" / "idf_link.cpp", '#include "espnow_emul.hpp"')
    result = check(root)
    assert result.returncode == 1
    assert "part of the ESP-IDF emulation" in result.stderr


def test_a_header_outside_the_layers_fails(tmp_path):
    root = copy_tree(tmp_path)
    (root / "include" / "espnow" / "stray.hpp").write_text("#pragma once\n")
    add_line(root / "src" / "api" / "espnow.cpp", '#include "espnow/stray.hpp"')
    result = check(root)
    assert result.returncode == 1
    assert "includes espnow/stray.hpp, which is in no layer" in result.stderr


def test_a_folder_that_is_no_layer_fails(tmp_path):
    root = copy_tree(tmp_path)
    (root / "src" / "misc").mkdir()
    (root / "src" / "misc" / "x.cpp").write_text("int x;\n")
    result = check(root)
    assert result.returncode == 1
    assert "'misc' is not a layer" in result.stderr
