"""Messages that come from schemas and services in English, listed here so the catalogue translates
them where the pages show them next to a field (`message()` in i18n.py). Only the exact texts."""


def N_(text: str) -> str:  # noqa: N802 - the conventional marker name for extraction
    return text


VALIDATION_MESSAGES = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Not a valid URL."),
    N_("Not a valid integer."),
    N_("Not a valid date."),
    N_("Not a valid email address."),
    N_("Not a valid UUID."),
    N_("Not a valid boolean."),
    N_("Unknown field."),
    N_("Length must be between 10 and 200."),
    N_("Give the text in at least one of nb, nn or en."),
    N_("Text must not contain control characters."),
    N_("Year must be between 1000 and 9999."),
    N_("Must not be before the start."),
    N_("A DOI looks like 10.18710/ABC123 (without https://doi.org/)."),
    N_("An ORCID iD looks like 0000-0002-1825-0097."),
    N_("The ORCID iD's check digit is wrong."),
    N_("Another dataset has this DOI."),
    N_("Another record has this identifier."),
    N_("Another dataset or distribution in this document has this identifier."),
    N_("This distribution belongs to another dataset."),
    N_("A person is listed twice."),
    N_("Say on what legal basis the personal data is processed."),
    N_("Another unit has this code."),
    N_("Another person has this e-mail address."),
    N_("Another person has this ORCID iD."),
    N_("A unit cannot be inside itself."),
    N_("Letters, digits, '.', '_' or '-', up to 40."),
    N_("2-100 lower-case letters, digits, '.', '_', '@' or '-'."),
    N_("Another user has this username."),
    N_("Another user has this email."),
    N_("Send the version you read (or an If-Match header)."),
)
