"""The label set of spec v1.3 and the keys under which medie stores its data on a Doc."""

from __future__ import annotations

LABELS = ("DRUG", "TARGET", "PHASE", "RESULT", "ENDPOINT", "DISEASE", "SAMPLE_SIZE", "DOSE", "TRIAL")
CORE_LABELS = ("DRUG", "TARGET", "PHASE", "RESULT")
# the lexicon label of an ordinary word that is no mention: a candidate that overlaps it without
# covering it (射干 in 注射干扰素, 冬氨酸 in 天冬氨酸转氨酶) is dropped by the resolver
WORD = "WORD"

# spec v2.0: relation type -> (head labels, tail labels)
RELATION_TYPES = {
    "measures": (("RESULT",), ("ENDPOINT",)),
    "arm": (("RESULT",), ("DRUG",)),
    "phase_of": (("PHASE",), ("DRUG", "TRIAL")),
    "targets": (("DRUG",), ("TARGET",)),
    "treats": (("DRUG",), ("DISEASE",)),
    "tested_in": (("DRUG",), ("TRIAL",)),
}
# labels that carry the ``negated`` attribute
NEGATABLE = ("ENDPOINT", "DISEASE")

# ``doc.user_data`` keys: the raw text, the normalised text and the offset map (set by the
# tokenizer), and the attributes of each entity (set by the attribute component).
RAW_KEY = "medie_raw"
TEXT_KEY = "medie_text"
MAP_KEY = "medie_map"
ATTRS_KEY = "medie_attrs"
# codes of a lexicon concept found at normalised offsets (start, end): ``(CODES_KEY, start, end)``
CODES_KEY = "medie_codes"

# names found in the other pieces of a long text, for the propagator: form -> (label, canonical)
SEEDS_KEY = "medie_propagate_seeds"

# relations found in a Doc, as plain raw offsets: [(type, head_start, head_end, tail_start, tail_end)]
RELATIONS_KEY = "medie_relations"

# The span group holding rule and model candidates before the resolver picks the mentions.
CANDIDATES = "medie_candidates"
