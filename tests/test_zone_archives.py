"""Issue 13, items 3 and 6: archives are read strictly (symlinks, duplicate names, nested
archives refused naming the member; folders resolved with a note), and the impact CSV
neutralises formula cells."""
from __future__ import annotations

import re
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


# Through the staff pages and `flask zones import`: the same messages, and nothing changes.

def hostile_archives(shapefile, folder):
    with zipfile.ZipFile(shapefile) as src:
        dbf = src.read("zones.dbf")
    return {
        "symlink": (repack(shapefile, folder / "link.zip",
                           rename=lambda n: n.replace(".dbf", ".old"),
                           extra=[symlink_member("zones.dbf", "/etc/passwd")]), "zones.dbf"),
        "duplicate": (repack(shapefile, folder / "dup.zip", rename=lambda n: "a/" + n,
                             extra=[("b/zones.dbf", dbf)]), "b/zones.dbf"),
        "nested": (repack(shapefile, folder / "nested.zip",
                          extra=[("inner/more.zip", b"PK")]), "inner/more.zip"),
    }


@pytest.fixture(scope="module")
def archive_app(tmp_path_factory):
    from tests.test_staff_zones import build_app
    return build_app(tmp_path_factory.mktemp("archives"))


@pytest.fixture()
def private_tmp(tmp_path, monkeypatch):
    """A temporary folder of the test's own, to see that nothing is left in it."""
    import tempfile
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def leftovers(folder):
    """What checks left in `folder`; multiprocessing's own folder (its forkserver's
    socket, kept while the process lives) does not count."""
    return [p.name for p in folder.iterdir() if not p.name.startswith("pymp-")]


@pytest.mark.parametrize("kind", ["symlink", "duplicate", "nested"])
def test_a_hostile_archive_is_refused_on_the_upload_page(archive_app, shapefile, tmp_path,
                                                         private_tmp, kind):
    from tests.test_staff_zones import signed_in, upload
    from tests.test_zone_partial_updates import state
    path, member = hostile_archives(shapefile, tmp_path)[kind]
    editor = signed_in(archive_app, "editor")
    mapping_url = upload(editor, path).headers["Location"]
    before = state(archive_app)
    page = editor.get(mapping_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and member in html and 'role="alert"' in html
    refused = editor.post(mapping_url, data={"action": "validate", "csrf_token": re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)})
    assert refused.status_code == 422  # no check starts on a refused file
    assert state(archive_app) == before and not leftovers(private_tmp)


@pytest.mark.parametrize("kind", ["symlink", "duplicate", "nested"])
def test_a_hostile_archive_is_refused_by_the_cli(archive_app, shapefile, tmp_path,
                                                 private_tmp, kind):
    from tests.test_zone_partial_updates import state
    path, member = hostile_archives(shapefile, tmp_path)[kind]
    before = state(archive_app)
    result = archive_app.test_cli_runner().invoke(args=["zones", "import", str(path),
                                                        "--commit", "--id", "bad"])
    assert result.exit_code != 0 and member in result.output
    assert "Traceback" not in result.output
    assert state(archive_app) == before and not leftovers(private_tmp)


def test_members_in_a_folder_go_through_the_pages_and_the_cli(archive_app, shapefile,
                                                              tmp_path, private_tmp):
    from tests.test_staff_zones import check, mapping_form, signed_in, upload
    from tests.test_zone_partial_updates import state
    path = repack(shapefile, tmp_path / "folder.zip", rename=lambda n: "导出/" + n)
    editor = signed_in(archive_app, "editor")
    mapping_url = upload(editor, path).headers["Location"]
    page = editor.get(mapping_url).get_data(as_text=True)
    assert "导出/" in page and "学校代码" in page
    _, report = check(editor, mapping_url, mapping_form(page))
    assert 'id="report-summary"' in report.get_data(as_text=True)
    before = state(archive_app)
    result = archive_app.test_cli_runner().invoke(args=["zones", "import", str(path)])
    assert "导出/" in result.output and "试运行" in result.output, result.output
    assert state(archive_app) == before and not leftovers(private_tmp)
