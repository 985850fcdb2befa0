"""A board's own flash filesystem, for each copy under espnow-python --sim.

Boards do not share files: what one copy writes (a log, its saved peers) the
others must not see or overwrite. Each copy's board has a directory of its
own for its flash; the script's folder is what was uploaded to every board,
read through until a board writes over it (copy on write) or removes it. Paths
are the board's: "/" is its flash's root, and a relative path is from its
current directory ("/" at boot). Everything lasts through the run's resets,
as flash does.
"""
import errno
import os
import posixpath
import shutil
import types


class Flash:
    def __init__(self, own, uploaded):
        self.own = own  # the board's directory: what it wrote
        self.uploaded = uploaded  # the script's folder, read until written over
        self.removed = set()  # board paths of uploaded files it removed
        self.cwd = "/"
        os.makedirs(own, exist_ok=True)

    # --- paths

    def board_path(self, path):
        """The absolute, normalized board path of `path` (never above "/")."""
        path = os.fsdecode(path)
        joined = posixpath.normpath(posixpath.join(self.cwd, path))
        return "/" + joined.lstrip("/") if joined != "/" else "/"

    def _host(self, base, board):
        return os.path.join(base, board.lstrip("/")) if board != "/" else base

    def where(self, path):
        """The host path that holds board `path` now: the board's own, else the uploaded
        one it has not removed; None when neither exists."""
        board = self.board_path(path)
        own = self._host(self.own, board)
        if os.path.lexists(own):
            return own
        if board not in self.removed and self.uploaded is not None:
            uploaded = self._host(self.uploaded, board)
            if os.path.lexists(uploaded):
                return uploaded
        return None

    def own_path(self, path, keep=False):
        """The board's own host path for `path`, to write; with `keep`, first a copy of
        the uploaded file it would write over (appending, r+)."""
        board = self.board_path(path)
        own = self._host(self.own, board)
        if keep and not os.path.lexists(own):
            found = self.where(path)
            if found is not None and os.path.isfile(found):
                os.makedirs(os.path.dirname(own), exist_ok=True)
                shutil.copyfile(found, own)
        self.removed.discard(board)
        return own

    def _missing(self, path):
        return FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)

    # --- what scripts call

    def open(self, real_open, path, mode="r", *args, **kwargs):
        if isinstance(path, int):  # a descriptor: the host's
            return real_open(path, mode, *args, **kwargs)
        writes = any(c in mode for c in "wax+")
        if not writes:
            found = self.where(path)
            if found is None:
                raise self._missing(path)
            return real_open(found, mode, *args, **kwargs)
        if "x" in mode and self.where(path) is not None:  # an uploaded file exists on the board too
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), path)
        own = self.own_path(path, keep="a" in mode or "+" in mode)
        parent = os.path.dirname(own)
        if not os.path.isdir(parent) and self.where(posixpath.dirname(self.board_path(path))) is not None:
            os.makedirs(parent, exist_ok=True)  # a folder that was uploaded
        return real_open(own, mode, *args, **kwargs)

    def listdir(self, path="."):
        board = self.board_path(path)
        names = set()
        found = False
        for base in (self.own, self.uploaded):
            if base is None:
                continue
            host = self._host(base, board)
            if os.path.isdir(host):
                found = True
                names.update(n for n in os.listdir(host)
                             if posixpath.join(board, n) not in self.removed)
        if not found:
            raise self._missing(path)
        return sorted(names)

    def stat(self, path, *args, **kwargs):
        found = self.where(path)
        if found is None:
            raise self._missing(path)
        return os.stat(found, *args, **kwargs)

    def remove(self, path):
        board = self.board_path(path)
        if self.where(path) is None:
            raise self._missing(path)
        own = self._host(self.own, board)
        if os.path.lexists(own):
            os.remove(own)
        self.remove_uploaded(path)

    def rename(self, old, new):
        if self.where(old) is None:
            raise self._missing(old)
        source = self.own_path(old, keep=True)
        target = self.own_path(new)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.rename(source, target)
        self.remove_uploaded(old)

    def remove_uploaded(self, path):
        """The uploaded file at `path`, if there is one, is gone from this board."""
        board = self.board_path(path)
        if self.uploaded is not None and os.path.lexists(self._host(self.uploaded, board)):
            self.removed.add(board)

    def mkdir(self, path, *args):
        if self.where(path) is not None:
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), path)
        os.makedirs(self.own_path(path), exist_ok=True)

    def rmdir(self, path):
        if self.listdir(path):
            raise OSError(errno.ENOTEMPTY, os.strerror(errno.ENOTEMPTY), path)
        own = self._host(self.own, self.board_path(path))
        if os.path.isdir(own):
            os.rmdir(own)
        self.remove_uploaded(path)

    def getcwd(self):
        return self.cwd

    def chdir(self, path):
        found = self.where(path)
        if found is None or not os.path.isdir(found):
            raise self._missing(path)
        self.cwd = self.board_path(path)

    def ilistdir(self, path="."):
        """MicroPython's os.ilistdir: (name, type, inode, size), type 0x4000 for a folder, 0x8000 a file."""
        board = self.board_path(path)
        for name in self.listdir(path):
            found = self.where(posixpath.join(board, name))
            is_dir = os.path.isdir(found)
            yield (name, 0x4000 if is_dir else 0x8000, 0, 0 if is_dir else os.path.getsize(found))


class BoardOS(types.ModuleType):
    """The `os` (and `uos`) a copy's script imports: its board's filesystem calls, the host's
    os for the rest (the standard library keeps the host's own os)."""

    _CALLS = ("listdir", "ilistdir", "stat", "remove", "rename", "mkdir", "rmdir", "getcwd", "chdir")

    def __init__(self, flash):
        super().__init__("os", os.__doc__)
        for name in self._CALLS:
            setattr(self, name, getattr(flash, name))
        self.unlink = flash.remove

    def __getattr__(self, name):
        return getattr(os, name)
