"""A generated block of a documentation file: the text between a begin and an end marker
line (the calibration table and the scenario answers of inputs/README.md)."""


def read_block(path, begin, end):
    text = open(path, encoding="utf-8").read()
    return text[text.index(begin) + len(begin):text.index(end)]


def write_block(path, begin, end, body):
    text = open(path, encoding="utf-8").read()
    i, j = text.index(begin), text.index(end)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text[:i + len(begin)] + body + text[j:])
