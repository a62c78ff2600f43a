"""Demo data of plans, loaded after datasets, systems and flows."""


def load_demo(today) -> dict:
    return {}
