"""CompactIdSet answers "seen before?" exactly as a set of the ids would (no repeat is ever
missed), in a table of 64-bit fingerprints a fraction of a set's size."""

from __future__ import annotations

import random
import string

import pytest

from connection.endpoint import Endpoint
from connection.settings import load_settings
from pages.completeness import CompletenessCheck
from pages.id_set import CompactIdSet, IdKey, fingerprint


def test_an_id_is_new_once_and_repeated_after() -> None:
    ids = CompactIdSet()
    assert ids.add("a") and ids.add(7)
    assert not ids.add("a") and not ids.add(7)
    assert len(ids) == 2


def test_add_many_returns_the_repeats_in_order_including_those_within_the_page() -> None:
    ids = CompactIdSet()
    assert ids.add_many([1, "x", 2]) == []
    assert ids.add_many([3, "x", 3, 4, 1, 3]) == ["x", 3, 1, 3]
    assert len(ids) == 5


@pytest.mark.parametrize(
    ("first", "second"),
    [(1, 1.0), (0, 0.0), (0, -0.0), (2**70, float(2**70)), (1, True), (1.5, 1.5)],
)
def test_ids_a_set_sees_as_equal_are_repeats(first: IdKey, second: IdKey) -> None:
    ids = CompactIdSet()
    assert ids.add(first) and not ids.add(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (5, "5"),
        (-1, -2),  # hash(-1) == hash(-2): ints must not go through hash()
        (0, -(2**63)),  # 0 is stored as 2**63, the one value no int in range maps to
        (0, 2**64),
        (5, 2**64 + 5),  # beyond 64 bits: not the low 64 bits
        (2**61 - 1 + 5, 5),  # hash() equal: ints hash modulo 2**61 - 1
        (2**63, -(2**63)),
        (1, 1.5),
        (float("inf"), float("-inf")),
        ("", 0),  # hash("") == 0
    ],
)
def test_different_ids_are_different(first: IdKey, second: IdKey) -> None:
    ids = CompactIdSet()
    assert ids.add(first) and ids.add(second)
    assert not ids.add(first) and not ids.add(second)


def test_ints_in_64_bit_range_have_distinct_fingerprints() -> None:
    ints = {*range(-5000, 5000), -(2**63) + 1, -(2**62), 2**62, 2**63 - 1}
    fingerprints = {fingerprint(n) for n in ints}
    assert len(fingerprints) == len(ints) and 0 not in fingerprints  # 0 marks an empty slot


def test_none_is_not_an_id() -> None:
    with pytest.raises(TypeError):
        CompactIdSet().add(None)  # type: ignore[arg-type]


def test_probing_wraps_around_the_end_of_the_table() -> None:
    # Ints whose fingerprints are the largest 64-bit values: all of them belong in the last
    # slot, so each one after the first continues from the table's start.
    inverse = pow(fingerprint(1), -1, 2**64)  # an int's fingerprint is it times this odd number
    top = [(2**64 - j) * inverse % 2**64 for j in range(1, 31)]
    keys = [key - 2**64 if key >= 2**63 else key for key in top]
    assert [fingerprint(key) for key in keys] == [2**64 - j for j in range(1, 31)]
    ids = CompactIdSet()
    assert ids.add_many(keys) == []
    assert ids.add_many([*range(1000), *keys]) == keys  # after growing


@pytest.mark.parametrize(
    "keys",
    [
        list(range(200_000)),
        [n * 1024 for n in range(50_000)],
        [f"{bits:015x}" for bits in random.Random(7).sample(range(2**60), 50_000)],
    ],
    ids=["sequential", "multiples-of-1024", "random-strings"],
)
def test_growing_keeps_every_id(keys: list[IdKey]) -> None:
    ids = CompactIdSet()
    for start in range(0, len(keys), 100):
        assert ids.add_many(keys[start : start + 100]) == []
    assert len(ids) == len(keys)
    for start in range(0, len(keys), 100):
        page = keys[start : start + 100]
        assert ids.add_many(page) == page
    assert len(ids) == len(keys)


def test_100k_ids_take_at_most_21_bytes_each() -> None:
    ids = CompactIdSet()
    for start in range(0, 100_000, 100):
        ids.add_many(range(start, start + 100))
    # 8 bytes a slot at 30-60 % load: 13 to 27 bytes an id, 21 here (a set: about 60).
    assert ids.nbytes <= 21 * 100_000


def test_same_answers_as_a_set_on_a_random_mixed_workload() -> None:
    rng = random.Random(20240611)
    pool: list[IdKey] = [
        *range(-50, 50),
        *(str(n) for n in range(-50, 50)),
        *(n + 0.5 for n in range(-20, 20)),
        *(float(n) for n in range(-20, 20)),
        *(2**64 + n for n in range(20)),
        *(rng.getrandbits(64) - 2**63 for _ in range(200)),
        *("".join(rng.choices(string.printable, k=rng.randint(0, 8))) for _ in range(200)),
        True,
        False,
        float("inf"),
    ]
    compact, plain = CompactIdSet(), set[IdKey]()
    for _ in range(3000):
        page = rng.choices(pool, k=rng.randint(0, 12))
        expected = []
        for key in page:
            if key in plain:
                expected.append(key)
            plain.add(key)
        assert compact.add_many(page) == expected
    assert len(compact) == len(plain)


def test_the_completeness_check_skips_missing_ids_and_reports_repeats_in_order() -> None:
    settings = load_settings({"base_url": "https://api.test"})
    paging = settings.pagination
    check = CompletenessCheck(paging, Endpoint("/x", "https://api.test/x", pagination=paging))
    check.observe(None, [{"id": None}, {"name": "no id"}, {"id": 1}, {"id": {"a": 1}}])
    check.observe(None, [{"id": None}, {"id": 1.0}, {"id": {"a": 1}}, {"id": "1"}])
    check.observe(None, [{"id": n} for n in [2, 3, 4, 5, 2, 3, 4, 5, 1]])
    assert check.items == 17 and check.repeated == 7
    assert check.repeated_examples == ["1.0", '{"a": 1}', "2", "3", "4"]
