#!/usr/bin/env python3
"""Seeds the fuzz corpora (tests/fuzz/corpus/) from the project's own traffic: the stanzas
the transcript tests send (tests/transcripts/*.txt). Run it again after adding
transcripts; libFuzzer adds what it finds to the same directories."""
import hashlib
import pathlib
import re

root = pathlib.Path(__file__).resolve().parents[2]
corpus = root / "tests" / "fuzz" / "corpus"


def sent_stanzas(path):
    stanzas, current = [], None
    for line in path.read_text().splitlines():
        line = line.rstrip()
        if line.startswith(">>"):
            if current is not None:
                stanzas.append(current)
            current = line[2:].strip()
        elif line.startswith("<<") or line.startswith("#") or line.startswith("@") or not line:
            if current is not None:
                stanzas.append(current)
            current = None
        elif current is not None:
            current += "\n" + line
    if current is not None:
        stanzas.append(current)
    return stanzas


def write(target, data: bytes):
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


for path in sorted((root / "tests" / "transcripts").glob("*.txt")):
    stanzas = sent_stanzas(path)
    stream = "".join(stanzas).encode()
    write("service", stream)
    write("framer", b"\x01\x02\x03\x04" + stream)  # the framer target's first 4 bytes seed its cuts
    for s in stanzas:
        for jid in re.findall(r"(?:from|to|jid)='([^']*)'", s):
            write("jid", jid.encode())
        for form in re.findall(r"<x xmlns='jabber:x:data'.*?</x>", s, re.S):
            write("form", form.encode())
print("corpus:", {p.name: len(list(p.iterdir())) for p in corpus.iterdir()})
