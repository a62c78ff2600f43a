"""SKOS vocabularies: schemes and concepts loaded from `vocabularies/`, referenced by URI."""
