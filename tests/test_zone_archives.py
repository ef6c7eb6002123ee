"""Issue 13, items 3 and 6: archives are read strictly (symlinks, duplicate names, nested
archives refused naming the member; folders resolved with a note), and the impact CSV
neutralises formula cells."""
from __future__ import annotations

import zipfile

import pytest

from gis.vector_io import VectorFileError, read_upload
from tests.zone_files import gbk_shapefile_zip
from zones.impact import Impact


def repack(source, out, rename=lambda n: n, extra=()):
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(rename(info.filename), src.read(info))
        for info, data in extra:
            dst.writestr(info, data)
    return out


def symlink_member(name, target):
    info = zipfile.ZipInfo(name)
    info.external_attr = (0o120777 << 16)
    return info, target


@pytest.fixture(scope="module")
def shapefile(tmp_path_factory):
    return gbk_shapefile_zip(tmp_path_factory.mktemp("zip"))


def refused(path):
    with pytest.raises(VectorFileError) as error:
        read_upload(path, "zones.zip")
    return error.value.code, error.value.message % error.value.params


def test_a_symlinked_dbf_is_refused_naming_it(shapefile, tmp_path):
    out = repack(shapefile, tmp_path / "link.zip", rename=lambda n: n.replace(".dbf", ".old"),
                 extra=[symlink_member("zones.dbf", "/etc/passwd")])
    code, message = refused(out)
    assert code == "zip_symlink" and "zones.dbf" in message


def test_two_dbf_files_of_one_name_are_refused_naming_both(shapefile, tmp_path):
    with zipfile.ZipFile(shapefile) as src:
        dbf = src.read("zones.dbf")
    out = repack(shapefile, tmp_path / "dup.zip", rename=lambda n: "a/" + n,
                 extra=[("b/zones.dbf", dbf)])
    code, message = refused(out)
    assert code == "duplicate_member" and "a/zones.dbf" in message and "b/zones.dbf" in message


def test_a_nested_archive_is_refused_naming_it(shapefile, tmp_path):
    out = repack(shapefile, tmp_path / "nested.zip", extra=[("inner/more.zip", b"PK")])
    code, message = refused(out)
    assert code == "nested_archive" and "inner/more.zip" in message


def test_members_in_a_folder_are_read_with_a_note(shapefile, tmp_path):
    out = repack(shapefile, tmp_path / "folder.zip", rename=lambda n: "导出/" + n)
    upload = read_upload(out, "folder.zip")
    assert len(upload.frame) > 10 and "学校代码" in upload.columns
    assert any(w["code"] == "zip_folders" and "导出/" in w["params"]["name"]
               for w in upload.warnings)


def test_the_impact_csv_neutralises_formulas():
    impact = Impact(None, "v", moves=[{"level": "primary", "address": "=HYPERLINK(\"x\")",
                                       "xiaoqu": "=cmd|' /C calc'!A0", "from_zone": "P1"}])
    text = impact.csv()
    assert text.startswith("\ufeff") and "'=HYPERLINK" in text and "'=cmd|" in text
