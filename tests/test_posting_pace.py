"""How many targets one re-read before posting covers (bots.wiki.talkpages.next_batch)."""

from hypothesis import given
from hypothesis import strategies as st

from bots.wiki.talkpages import FIRST_BATCH, FRESH_SECONDS, next_batch

limits = st.sampled_from([50, 500])


def test_the_first_reread_covers_fifty_targets_and_the_shutoff_page():
    assert next_batch(0, 0.0, 500) == FIRST_BATCH
    assert next_batch(0, 0.0, 50) == 49  # with the shutoff page: 50 titles, one request


@given(st.integers(0, 10_000), st.floats(0, 1e5, allow_nan=False), limits)
def test_a_reread_stays_within_one_request(posted, seconds, limit):
    n = next_batch(posted, seconds, limit)
    assert min(FIRST_BATCH, limit - 1) <= n <= limit - 1


@given(st.integers(1, 10_000), st.floats(0.01, 1e5, allow_nan=False), limits)
def test_a_reread_covers_no_more_than_a_minute_of_posting_beyond_the_first_fifty(
        posted, seconds, limit):
    n = next_batch(posted, seconds, limit)
    if n > FIRST_BATCH:
        assert n / (posted / seconds) <= FRESH_SECONDS + 1e-6


def test_a_slow_wiki_keeps_batches_of_fifty_and_a_fast_one_reads_less_often():
    assert next_batch(6, 60.0, 500) == FIRST_BATCH  # Meta's throttle: 10 s an edit
    assert next_batch(100, 2.0, 500) == 499  # a local wiki: 50 posts a second
    assert next_batch(100, 20.0, 500) == 300
