"""The engine: a message and its context in, violations, fixes and a decision out.

read → prepare → match → decide: the rule and pack models, text preparation, segmenting,
the rule kinds (matchers), exceptions (cues), fixes and the engine that runs compiled
packs. It imports nothing else from msglint: every other layer builds on it.
"""
