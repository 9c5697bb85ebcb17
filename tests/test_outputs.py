"""Output files: checked before anything starts, written whole or not at all; lanes' stale temporary folders."""

import errno
import os
import stat
import subprocess
import sys

import pytest

from tuiconc.engine import lanefolders
from tuiconc.engine.outputs import OutputError, check_output, check_outputs, write_atomically


def test_a_new_file_in_a_writable_folder_passes(tmp_path):
    assert check_output(str(tmp_path / "results.json")) is None
    assert os.listdir(tmp_path) == []  # the trial file is gone


@pytest.mark.parametrize("path,words", [
    ("", "give a file name"),
    ("/dev/full", "not a regular file"),
    ("/dev/null", "not a regular file"),
    ("/proc/x.json", "cannot create a file in '/proc'"),
    ("/no/such/folder/x.json", "does not exist"),
])
def test_paths_that_could_never_be_written_are_refused(path, words):
    assert words in check_output(path)


def test_a_folder_is_not_a_file(tmp_path):
    (tmp_path / "tuiconc-results.csv").mkdir()
    assert "is a folder" in check_output(str(tmp_path / "tuiconc-results.csv"))


def test_a_folder_that_refuses_new_files_is_refused_even_to_root(tmp_path):
    """os.access says yes to root everywhere; a read-only bind of the folder says no to everyone."""
    if os.geteuid() != 0:
        tmp_path.chmod(0o500)
        try:
            assert "cannot create a file" in check_output(str(tmp_path / "r.json"))
        finally:
            tmp_path.chmod(0o700)
    else:  # root: /proc accepts no new file though os.access says it may
        assert os.access("/proc", os.W_OK)
        assert "cannot create a file" in check_output("/proc/r.json")


def test_two_outputs_naming_one_file_are_refused(tmp_path):
    same = str(tmp_path / "a.json")
    assert check_outputs({"--save": same, "--trace": str(tmp_path / "t.json")}) is None
    problem = check_outputs({"--save": same, "--record": os.path.join(str(tmp_path), ".", "a.json")})
    assert problem == f"--save and --record both name {os.path.join(str(tmp_path), '.', 'a.json')!r}; give each its own file"


def test_an_atomic_write_replaces_the_file_whole_and_keeps_its_mode(tmp_path):
    target = tmp_path / "r.md"
    target.write_text("old")
    target.chmod(0o640)
    write_atomically(str(target), "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["r.md"]


def test_a_failed_atomic_write_says_why_and_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    target.write_text("old")

    def disk_error(descriptor):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", disk_error)  # the data is written, then the disk fails
    with pytest.raises(OutputError, match=r"cannot write '.*r\.json': Input/output error"):
        write_atomically(str(target), "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["r.json"]


def test_a_write_into_a_vanished_folder_raises_output_error(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    path = str(gone / "r.json")
    assert check_output(path) is None
    gone.rmdir()
    with pytest.raises(OutputError, match="No such file or directory"):
        write_atomically(path, "{}")


def test_lane_folders_carry_the_owner_pid_and_stale_ones_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f"{lanesfolder_prefix()}{dead_pid}-abc"
    (stale / "pymp-x").mkdir(parents=True)
    ours = tmp_path / f"{lanesfolder_prefix()}{os.getpid()}-def"
    ours.mkdir()
    unrelated = tmp_path / "tuiconc-lane-nopid"
    unrelated.mkdir()
    assert lanefolders.remove_stale_lane_folders(str(tmp_path)) == [str(stale)]
    assert sorted(os.listdir(tmp_path)) == sorted([ours.name, unrelated.name])
    made = lanefolders.make_lane_folder()
    try:
        assert os.path.basename(made).startswith(f"tuiconc-lane-{os.getpid()}-")
    finally:
        os.rmdir(made)


def lanesfolder_prefix() -> str:
    return lanefolders.PREFIX
