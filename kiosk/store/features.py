"""The feature cache: one float32 vector per (sample, backbone id).

The store does not know what a backbone is; the id is any string the caller derives from the
model it used (e.g. name + file checksum). Vectors for another backbone id are never returned,
so changing the backbone invalidates the cache without deleting it (switching back is free);
`clear` drops what is no longer wanted. Rows go with their sample (ON DELETE CASCADE).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import numpy as np

from kiosk.store import values
from kiosk.store.db import Database
from kiosk.store.errors import InvalidInput
from kiosk.store.samples import SampleRef, require_samples, sample_id_of, sample_ids_of

MISSING_SQL = "NOT EXISTS (SELECT 1 FROM features f WHERE f.sample_id = s.id AND f.backbone_id = ?)"
"""WHERE clause (one parameter: the backbone id) for samples without cached features."""


class FeatureCache:
    def __init__(self, db: Database) -> None:
        self._db = db

    def put(self, backbone_id: str, items: Iterable[tuple[SampleRef, object]]) -> int:
        """Store vectors in one transaction; all of one length, the one already cached for the backbone."""
        backbone = values.backbone_id(backbone_id)
        rows = []
        for sample, vector in items:
            dim, blob = values.pack_vector(vector)
            rows.append((sample_id_of(sample), backbone, dim, blob))
        if not rows:
            return 0
        dims = {row[2] for row in rows}
        with self._db.write() as conn:
            sql = "SELECT dim FROM features WHERE backbone_id = ? LIMIT 1"
            if (existing := conn.execute(sql, (backbone,)).fetchone()) is not None:
                dims.add(existing[0])
            if len(dims) > 1:
                raise InvalidInput(
                    f"feature vectors for backbone {backbone!r} must all have one length, got {sorted(dims)}"
                )
            require_samples(conn, list(dict.fromkeys(row[0] for row in rows)))
            conn.executemany(
                "INSERT OR REPLACE INTO features (sample_id, backbone_id, dim, vector) VALUES (?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    def matrix(
        self,
        backbone_id: str,
        sample_ids: Iterable[SampleRef] | None = None,
        exclude: Collection[str] = (),
    ) -> tuple[list[str], np.ndarray]:
        """(ids, float32 n x dim): in `sample_ids` order if given (ids without features left out),
        else oldest sample first; ids in `exclude` left out."""
        backbone = values.backbone_id(backbone_id)
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT f.sample_id, f.dim, f.vector FROM features f JOIN samples s ON s.id = f.sample_id"
                " WHERE f.backbone_id = ? ORDER BY s.created_at, s.rowid",
                (backbone,),
            ).fetchall()
        if sample_ids is not None:
            by_id = {row[0]: row for row in rows}
            rows = [by_id[sid] for sid in sample_ids_of(sample_ids) if sid in by_id]
        rows = [row for row in rows if row[0] not in exclude]
        dim = rows[0][1] if rows else 0
        return [row[0] for row in rows], values.stack_vectors([row[2] for row in rows], dim)

    def clear(self, keep: str | None = None) -> int:
        with self._db.write() as conn:
            if keep is None:
                return conn.execute("DELETE FROM features").rowcount
            return conn.execute("DELETE FROM features WHERE backbone_id != ?", (keep,)).rowcount
