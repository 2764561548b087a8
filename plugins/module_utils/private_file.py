# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files only their owner may read (values with secrets, kubeconfigs): written atomically at mode 0600.

Used by modules on the target and by their action plugins in the controller's worker process, so it does file
I/O (unlike module_utils/vcluster, which is pure).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


class PrivateFileError(Exception):
    pass


def read_text(path):
    """The file's text, or None when it does not exist."""
    if not os.path.exists(path):
        return None
    with open(path, "rb") as handle:
        return handle.read().decode("utf-8", errors="surrogateescape")


def _write(path, content):
    """Write a new file beside ``path`` (mkstemp creates it at 0600) and rename it over ``path``: the file is never
    readable by others, not even for a moment, and readers see the old or the new content, never a part."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tenancy-vcluster-", dir=directory)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8", errors="surrogateescape"))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def sync_private_file(path, content, check_mode=False, make_parent=False):
    """Make ``path`` hold ``content`` at mode 0600; return (changed, text before or None).

    With ``make_parent`` a missing parent directory is created at mode 0700. Check mode writes nothing.
    """
    if os.path.isdir(path):
        raise PrivateFileError(f"{path} is a directory; give a file path")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory) and not make_parent:
        raise PrivateFileError(f"directory {directory} does not exist")
    before = read_text(path)
    content_changed = before != content
    mode_changed = before is not None and (os.stat(path).st_mode & 0o7777) != PRIVATE_FILE_MODE
    if not (content_changed or mode_changed):
        return False, before
    if not check_mode:
        if not os.path.isdir(directory):
            os.makedirs(directory, mode=PRIVATE_DIR_MODE)
        if content_changed:
            _write(path, content)
        else:
            os.chmod(path, PRIVATE_FILE_MODE)
    return True, before
