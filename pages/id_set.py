"""Which identifiers an endpoint run has already received, in 8 bytes a slot.

`CompletenessCheck` asks of every item whether its identifier came before (offset drift).
A Python `set` of the ids costs about 60 bytes an id (its table plus the int or str object it
keeps alive; more for UUID strings), so 100k items held 6 to 10 MB until the run ended.
`CompactIdSet` keeps a 64-bit fingerprint of each id instead, in an open-addressing table
(`array('Q')`, 0 = empty slot, linear probing) that doubles before passing 60 % load: 8 / load
bytes an id, between 13 and 27 (21 at 100k ids), and no object per id. While it doubles, the
old table (half the size) is held too.

Fingerprints (`fingerprint`), whose top bits are also the slot:
- an int in the signed 64-bit range: the value times an odd constant (2**64 / golden ratio),
  modulo 2**64. That is a bijection, so exact: no two such ints collide (-1 is not -2). It is
  also Fibonacci hashing: sequential ids, or multiples of 1024, spread over the table instead
  of clustering. A float with a whole value is that int, so `1.0` repeats `1` as in a set.
- a str: `hash()` with its bits inverted. `hash()` is SipHash-1-3 with a per-process random
  key (64-bit CPython), cached on the string and ~10x cheaper than blake2b; fingerprints are
  compared within one run only, so the random key does no harm. It is unrelated to the int
  mapping, so `"5"` and `5` share a fingerprint only by chance, as any two hashed ids can. The
  inversion moves `hash("") == 0` away from the id 0, and as `hash()` is never -1 it never
  makes a 0.
- any other number (ints beyond 64 bits, fractions, inf, nan): blake2b, 8 bytes, personalised
  by type. `hash()` collides systematically there: an int hashes to itself modulo 2**61 - 1.
  Every nan is the same id here, where a set tells nan objects apart: a false repeat at worst.
- 0 marks an empty slot, so a fingerprint of 0 (the id 0) becomes 2**63, which no int in range
  produces (it would be -2**63's, hashed instead).

Mistakes go one way only. Equal ids get equal fingerprints and a stored fingerprint is never
dropped (doubling re-inserts every one), so a repeated id is always reported: no false
negatives. Two different ids share a fingerprint only when one of them is hashed: for n hashed
ids the chance of any such pair is about n² / 2**65 (3e-10 at 100k; `""` is always 2**64 - 1,
the int 1018231460777725123's). Such a false repeat lowers the distinct count that
`strictTotal` compares with the API's total by one: it can turn a match into a mismatch (a
warning, or a failed resync that deletes nothing), never make fewer items than the total look
complete.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from hashlib import blake2b

IdKey = int | float | str

_MASK = 2**64 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_GOLDEN = 0x9E3779B97F4A7C15  # 2**64 / golden ratio, odd
_ZERO = 2**63  # the fingerprint 0 stands for, as 0 marks an empty slot
_MAX_LOAD = 0.6
_FIRST_CAPACITY = 64


def fingerprint(key: IdKey) -> int:
    """The id's 64-bit fingerprint, never 0; equal ids (as a set sees them) get equal ones."""
    if isinstance(key, str):
        return ~hash(key) & _MASK
    if isinstance(key, float):
        if not key.is_integer():
            return _digest(b"float", key.hex().encode())
        key = int(key)
    if _INT64_MIN < key <= _INT64_MAX:
        return key * _GOLDEN & _MASK or _ZERO
    return _digest(b"int", key.to_bytes((key.bit_length() + 8) // 8, "little", signed=True))


def _digest(kind: bytes, data: bytes) -> int:
    digest = blake2b(data, digest_size=8, person=kind).digest()
    return int.from_bytes(digest, "little") or _ZERO


class CompactIdSet:
    """A set of ids that only answers "seen before?", storing 64-bit fingerprints."""

    def __init__(self) -> None:
        self._table = array("Q", [0]) * _FIRST_CAPACITY
        self._shift = 64 - (_FIRST_CAPACITY.bit_length() - 1)  # slot = fingerprint >> shift
        self._stored = 0

    def __len__(self) -> int:
        return self._stored

    @property
    def nbytes(self) -> int:
        """The table's size in bytes; the rest of the object is a constant few hundred."""
        return self._table.itemsize * len(self._table)

    def add(self, key: IdKey) -> bool:
        """Add one id; True when it is new."""
        return not self.add_many([key])

    def add_many(self, keys: Sequence[IdKey]) -> list[IdKey]:
        """Add a page of ids; the ones seen before (earlier in `keys` too), in their order."""
        self._make_room(len(keys))
        table, shift, last = self._table, self._shift, len(self._table) - 1
        repeated: list[IdKey] = []
        for key in keys:
            if type(key) is int and _INT64_MIN < key <= _INT64_MAX:  # `fingerprint`, inline
                fp = key * _GOLDEN & _MASK or _ZERO
            elif type(key) is str:
                fp = ~hash(key) & _MASK
            else:
                fp = fingerprint(key)
            slot = fp >> shift
            while (held := table[slot]) and held != fp:
                slot = (slot + 1) & last
            if held:
                repeated.append(key)
            else:
                table[slot] = fp
        self._stored += len(keys) - len(repeated)
        return repeated

    def _make_room(self, incoming: int) -> None:
        """Double the table until `incoming` more ids, all new, stay within the load limit."""
        capacity = len(self._table)
        while self._stored + incoming > capacity * _MAX_LOAD:
            capacity *= 2
        if capacity == len(self._table):
            return
        old, self._table = self._table, array("Q", [0]) * capacity
        self._shift = 64 - (capacity.bit_length() - 1)
        table, shift, last = self._table, self._shift, capacity - 1
        for fp in filter(None, old):
            slot = fp >> shift
            while table[slot]:
                slot = (slot + 1) & last
            table[slot] = fp
