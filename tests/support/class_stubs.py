"""A class whose method's docstring example needs its sibling: `count` holds only once `add` appends."""

TALLY = '''\
class Tally:
    """Counts words."""

    def __init__(self) -> None:
        self.words: list[str] = []

    def add(self, word: str) -> None:
        """Append word to self.words."""
        # IMPLEMENTATION REQUIRED
        pass

    def count(self, word: str) -> int:
        """How many times word was added.

        >>> t = Tally()
        >>> t.add("a")
        >>> t.add("b")
        >>> t.add("a")
        >>> t.count("a")
        2
        """
        # IMPLEMENTATION REQUIRED
        pass
'''
