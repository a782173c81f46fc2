"""Text folded for search: lower case, without diacritics (`Hướng dẫn` → `huong dan`, `đ` → `d`).

Unicode decomposition alone leaves `đ`, `ø` and `ł` as they are; Whoosh's accent map folds them.
Both search layers fold with it: the static index's folded fields and the Whoosh index.
"""

from __future__ import annotations

from whoosh.support.charset import accent_map


def fold(text: str) -> str:
    return text.lower().translate(accent_map)
