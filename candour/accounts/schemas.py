from ninja import Schema


class MeOut(Schema):
    reference: str
    role: str
    organisation: str
    organisation_kind: str
