"""The Python unit parser against the table it shares with the C++ one
(tests/data/units_table.tsv; tests/test_units.cpp reads the same file): every string gives
the listed SI value and dimension, or is rejected, on both sides."""
import os

import numpy as np
import pytest

from steppe import units

TABLE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "data",
                     "units_table.tsv")


def _rows():
    rows = []
    with open(TABLE, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) == 2:
                assert cols[1] == "error", line
                rows.append((cols[0], None, None))
            else:
                rows.append((cols[0], float(cols[1]),
                             tuple(int(x) for x in cols[2].split(","))))
    return rows


ROWS = _rows()


def test_table_size():
    assert len(ROWS) >= 100
    assert sum(1 for r in ROWS if r[1] is None) >= 20


@pytest.mark.parametrize("text,value,dim", ROWS, ids=[repr(r[0]) for r in ROWS])
def test_shared_table(text, value, dim):
    if value is None:
        with pytest.raises(units.UnitError):
            units.parse_quantity(text)
        return
    q = units.parse_quantity(text)
    assert q.dim == dim
    assert q.value == pytest.approx(value, rel=1e-12, abs=1e-300)


def test_convert_and_factor():
    # Independent of the table: 1 bar = 1e5 Pa; 1 kg/s = 3.6 t/h; K → degC is affine.
    assert units.factor("Pa", "bar") == pytest.approx(1e-5, rel=1e-15)
    assert units.factor("kg s-1", "t/h") == pytest.approx(3.6, rel=1e-15)
    np.testing.assert_allclose(units.convert(np.array([273.15, 373.15]), "K", "degC"),
                               [0.0, 100.0], atol=1e-12)
    with pytest.raises(units.UnitError):
        units.factor("Pa", "kg s-1")
