"""The index's row checksums: the document rows' fast form equals the general one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dedup.index import doc_crc, encode_id, row_crc

ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)


@given(ints, st.text(), st.binary(), ints, st.binary(), ints)
def test_a_document_rows_checksum_is_the_general_one(doc, ident, text, size, repeats, batch):
    assert doc_crc(doc, encode_id(ident), text, size, repeats, batch) == row_crc(doc, ident, text, size, repeats, batch)
