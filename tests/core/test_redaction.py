from __future__ import annotations

import re

from core.redaction import MASK, Redactor, excerpt, unmask_unset_settings

SECRET = "tok-a/b+c=d e" + "x" * 30


def test_masks_every_occurrence_by_value() -> None:
    redact = Redactor([SECRET])
    assert redact(f"Bearer {SECRET} and again {SECRET}") == f"Bearer {MASK} and again {MASK}"


def test_masks_percent_encoded_forms_in_urls() -> None:
    redact = Redactor([SECRET])
    url = "https://api/next?token=tok-a%2Fb%2Bc%3Dd+e" + "x" * 30 + "&page=2"
    other = "https://api/next?token=tok-a%2Fb%2Bc%3Dd%20e" + "x" * 30
    assert "tok-a" not in redact(url) and redact(url).endswith("&page=2")
    assert "tok-a" not in redact(other)


def test_longest_secret_wins_and_short_values_are_ignored() -> None:
    redact = Redactor(["abcd", "abcdefgh", "xy", None, ""])
    assert redact("abcdefgh abcd xy") == f"{MASK} {MASK} xy"


def test_excerpt_redacts_before_truncating() -> None:
    redact = Redactor([SECRET])
    text = "a" * 295 + SECRET
    assert SECRET[:5] not in excerpt(text, redact, limit=300)


def test_rotated_logins_keep_recent_tokens_and_retire_old_ones() -> None:
    from port_ocean.log.sensetive import sensitive_log_filter

    redact = Redactor(["configured-secret"])
    tokens = [f"token-{n:02d}-" + "z" * 30 for n in range(6)]
    for token in tokens:
        redact.rotate("login", token)
    text = " ".join(tokens)
    masked = redact(text).split()
    assert masked[:3] == tokens[:3]  # retired generations are no longer matched
    assert masked[3:] == [MASK] * 3
    assert redact("configured-secret") == MASK
    ocean_patterns = {p.pattern for p in sensitive_log_filter.compiled_patterns}
    assert not {re.escape(t) for t in tokens[:3]} & ocean_patterns
    assert {re.escape(t) for t in tokens[3:]} <= ocean_patterns


def test_ocean_masks_the_word_none_for_unset_settings_and_we_undo_it() -> None:
    """Ocean registers str(None) for each unset sensitive setting; every None it logs (the
    mappings at each resync) would read "None[REDACTED]"."""
    from port_ocean.log.sensetive import sensitive_log_filter

    patterns = sensitive_log_filter.compiled_patterns
    saved = list(patterns)
    try:
        sensitive_log_filter.hide_sensitive_strings("None", "configured-secret")
        assert sensitive_log_filter.mask_string("'body': None") != "'body': None"
        unmask_unset_settings(Redactor(["configured-secret"]))
        assert sensitive_log_filter.mask_string("'body': None") == "'body': None"
        assert "configured-secret" not in sensitive_log_filter.mask_string("configured-secret")
        sensitive_log_filter.hide_sensitive_strings("None")
        unmask_unset_settings(Redactor(["None"]))  # a secret that really is "None" stays masked
        assert sensitive_log_filter.mask_string("None") != "None"
    finally:
        patterns[:] = saved
