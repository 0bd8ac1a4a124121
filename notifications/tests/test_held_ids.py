"""`have` on reconnect: the ids a client holds above its cursor, which are not sent again. A table of
what the consumer accepts (notifications.consumers.parse_held)."""

import pytest

from notifications.consumers import MAX_HELD, parse_held


@pytest.mark.parametrize(
    ("raw", "after", "expected"),
    [
        (None, 10, frozenset()),
        ("", 10, frozenset()),
        ("11", 10, frozenset({11})),
        ("11,15,12", 10, frozenset({11, 12, 15})),
        ("5,10,11", 10, frozenset({11})),  # at or below the cursor says nothing
        (",".join(str(n) for n in range(11, 11 + MAX_HELD)), 10, frozenset(range(11, 11 + MAX_HELD))),
        (",".join(str(n) for n in range(11, 12 + MAX_HELD)), 10, None),  # one too many
        ("11,,12", 10, None),
        ("11,-12", 10, None),
        ("11,1e3", 10, None),
        ("١٢", 10, None),  # digits, but not ASCII ones
        ("11, 12", 10, None),
        (str(2**64), 10, frozenset()),  # beyond any id: nothing it could hold
    ],
)
def test_have_is_a_short_list_of_ids_above_the_cursor(raw, after, expected):
    assert parse_held(raw, after) == expected
