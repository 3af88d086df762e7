import onshi.wire


def test_public_surface_is_pinned() -> None:
    assert sorted(onshi.wire.__all__) == [
        "ErrorResult",
        "FACE_PREFIX",
        "MessageKind",
        "Parsed",
        "WireError",
        "WireErrorKind",
        "answer_of",
        "error_result",
        "kind_of_filename",
        "parse",
        "prune",
        "result_filename",
        "to_json",
        "to_xml",
    ]
    for name in onshi.wire.__all__:
        assert hasattr(onshi.wire, name)
