"""Functions the app's tests race and draw: read by parsing, imported only by a lane."""


def count_words(item):
    """Count the words of a generated sentence, one sentence per item."""
    return len(("word " * (item % 17 + 1)).split())


def checksum(item):
    """Sum the digits of item cubed."""
    return sum(int(digit) for digit in str(item ** 3))


def _helper(item):
    return item


async def count_words_async(item):
    return count_words(item)


def tuiconc_items(size):
    return range(size)
