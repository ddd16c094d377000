#!/usr/bin/python3
"""Regenerates the checked-in .npy fixtures under tests/npy/ (run by hand, never by the build).

    /usr/bin/python3 tests/npy/make_fixtures.py

good/  files written by numpy itself (np.save and numpy.lib.format.write_array), plus one
       hand-written header in unusual but valid Python syntax. test_npy.c rebuilds the same
       values from the formulas below and compares them element by element.
bad/   hand-made broken files, one defect each; test_npy_bad.c lists the error each must give.

The build and the tests only read the files; numpy is needed only to regenerate good/.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
GOOD = os.path.join(HERE, "good")
BAD = os.path.join(HERE, "bad")


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def make_good():
    import numpy as np
    from numpy.lib import format as npf

    os.makedirs(GOOD, exist_ok=True)
    # Keep these formulas in step with test_npy.c (expected_value).
    n = np.arange(3 * 28 * 28)
    np.save(os.path.join(GOOD, "i8_1x3x28x28.npy"),
            ((n * 37) % 256 - 128).astype(np.int8).reshape(1, 3, 28, 28))
    np.save(os.path.join(GOOD, "u8_5.npy"), np.array([0, 1, 127, 128, 255], dtype=np.uint8))
    np.save(os.path.join(GOOD, "i32_scalar.npy"), np.array(-123456789, dtype=np.int32))
    np.save(os.path.join(GOOD, "f32_2x3.npy"),
            np.array([[0.0, -1.5, 3.25], [1e30, -0.0, 0.1]], dtype=np.float32))
    np.save(os.path.join(GOOD, "i32_0x3.npy"), np.zeros((0, 3), dtype=np.int32))
    n = np.arange(24)
    np.save(os.path.join(GOOD, "i32_2x3x4_big_endian.npy"),
            (n * 1000003 - 5000000).astype(">i4").reshape(2, 3, 4))
    np.save(os.path.join(GOOD, "f32_3_big_endian.npy"), np.array([1.0, -2.5, 1e-7], dtype=">f4"))
    np.save(os.path.join(GOOD, "i8_rank8.npy"),
            (np.arange(6) - 3).astype(np.int8).reshape(1, 1, 1, 1, 1, 1, 2, 3))
    for version in [(2, 0), (3, 0)]:
        name = "u8_4x2_v%d.npy" % version[0]
        with open(os.path.join(GOOD, name), "wb") as f:
            npf.write_array(f, (np.arange(8) * 31).astype(np.uint8).reshape(4, 2),
                            version=version)
    # Valid Python that numpy reads but never writes: double quotes, other key order, spaces,
    # a trailing comma inside the shape, no comma before '}', no 64-byte alignment.
    header = b'{ "shape" : ( 2 , 3 , ) ,"fortran_order":False,  "descr":"<i4"}   \n'
    data = struct.pack("<6i", 1, -2, 3, -4, 5, -6)
    write(os.path.join(GOOD, "i32_2x3_hand.npy"),
          b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + data)
    # Check that numpy agrees the hand-written file is valid and says what we expect.
    a = np.load(os.path.join(GOOD, "i32_2x3_hand.npy"))
    assert a.shape == (2, 3) and a.dtype == np.int32 and list(a.ravel()) == [1, -2, 3, -4, 5, -6]


def npy(header, data=b"", version=(1, 0), newline=True, align=True):
    """A .npy file around a header dict text, padded the way numpy pads it."""
    header = header.encode("latin-1") if isinstance(header, str) else header
    size = 2 if version[0] == 1 else 4
    body = header
    if align:
        total = 6 + 2 + size + len(body) + (1 if newline else 0)
        body += b" " * ((64 - total % 64) % 64)
    if newline:
        body += b"\n"
    fmt = "<H" if size == 2 else "<I"
    return b"\x93NUMPY" + bytes(version) + struct.pack(fmt, len(body)) + body + data


def make_bad():
    os.makedirs(BAD, exist_ok=True)
    ok = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }"
    two = struct.pack("<2i", 7, -7)
    files = {
        "empty.npy": b"",
        "truncated_magic.npy": b"\x93NUM",
        "wrong_magic.npy": b"\x93NUMPZ" + npy(ok, two)[6:],
        "zip_npz.npy": b"PK\x03\x04" + b"\0" * 40,
        "text_file.npy": b"1 2 3\n4 5 6\n",
        "truncated_version.npy": b"\x93NUMPY\x01",
        "bad_version_4.npy": npy(ok, two, version=(4, 0)),
        "bad_version_1_1.npy": npy(ok, two, version=(1, 1)),
        "truncated_header_len.npy": b"\x93NUMPY\x01\x00\x40",
        "header_len_past_eof.npy": b"\x93NUMPY\x01\x00\x00\x10" + b"{'descr'",
        "v2_header_len_past_eof.npy": b"\x93NUMPY\x02\x00\xff\xff\xff\xff" + npy(ok, two)[10:],
        "empty_header.npy": b"\x93NUMPY\x01\x00\x00\x00",
        "no_newline.npy": npy(ok, two, newline=False),
        "non_ascii_header.npy": npy(ok + " caf\xe9", two),
        "not_a_dict.npy": npy("[1, 2]", two),
        "unterminated_dict.npy": npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), ",
                                     two),
        "unterminated_string.npy": npy("{'descr': '<i4', 'fortran_order': False, 'shape}",
                                       two),
        "escaped_string.npy": npy("{'descr': '<i\\x34', 'fortran_order': False, 'shape': (2,)}",
                                  two),
        "missing_colon.npy": npy("{'descr' '<i4', 'fortran_order': False, 'shape': (2,)}", two),
        "missing_comma.npy": npy("{'descr': '<i4' 'fortran_order': False, 'shape': (2,)}", two),
        "garbage_after_dict.npy": npy(ok + " x", two),
        "missing_shape.npy": npy("{'descr': '<i4', 'fortran_order': False, }", two),
        "missing_descr.npy": npy("{'fortran_order': False, 'shape': (2,), }", two),
        "duplicate_key.npy": npy(
            "{'descr': '<i4', 'fortran_order': False, 'descr': '<i4', 'shape': (2,), }", two),
        "unknown_key.npy": npy(
            "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), 'foo': 1, }", two),
        "descr_float64.npy": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                                 two * 2),
        "descr_int64_big.npy": npy("{'descr': '>i8', 'fortran_order': False, 'shape': (2,), }",
                                   two * 2),
        "descr_bool.npy": npy("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }",
                              b"\1\0"),
        "descr_unicode.npy": npy("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }",
                                 b"\0" * 24),
        "descr_structured.npy": npy(
            "{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (2,), }", two),
        "descr_not_string.npy": npy("{'descr': 4, 'fortran_order': False, 'shape': (2,), }",
                                    two),
        "fortran_order_true.npy": npy(
            "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 1), }", two),
        "fortran_order_int.npy": npy("{'descr': '<i4', 'fortran_order': 0, 'shape': (2,), }",
                                     two),
        "shape_not_tuple.npy": npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2), }",
                                   two),
        "shape_list.npy": npy("{'descr': '<i4', 'fortran_order': False, 'shape': [2], }", two),
        "shape_float.npy": npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2.0,), }",
                               two),
        "shape_leading_zero.npy": npy(
            "{'descr': '<i4', 'fortran_order': False, 'shape': (02,), }", two),
        "shape_unclosed.npy": npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2, ", two),
        "negative_dim.npy": npy("{'descr': '<i4', 'fortran_order': False, 'shape': (-2,), }",
                                two),
        "huge_dim.npy": npy(
            "{'descr': '<i4', 'fortran_order': False, 'shape': (1099511627777,), }", two),
        "huge_dim_many_digits.npy": npy(
            "{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999999999999999999,), }",
            two),
        "overflow_product.npy": npy("{'descr': '|i1', 'fortran_order': False, 'shape': "
                                    "(1099511627776, 1099511627776, 1099511627776), }", two),
        "bytes_over_limit.npy": npy(
            "{'descr': '<i4', 'fortran_order': False, 'shape': (1099511627776,), }", two),
        "rank9.npy": npy("{'descr': '|i1', 'fortran_order': False, "
                         "'shape': (1, 1, 1, 1, 1, 1, 1, 1, 2), }", b"\1\2"),
        "data_short.npy": npy(ok, two[:7]),
        "data_missing.npy": npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"),
        "data_long.npy": npy(ok, two + b"\0"),
        "data_long_scalar.npy": npy("{'descr': '|u1', 'fortran_order': False, 'shape': (), }",
                                    b"\1\2"),
    }
    for name, data in files.items():
        write(os.path.join(BAD, name), data)


if __name__ == "__main__":
    make_bad()
    make_good()
