"""Reading uploaded vector files (zipped Shapefile, GeoJSON, GeoPackage, KML) through
pyogrio, treating every upload as hostile until proven otherwise, and writing exports.

Every refusal is a `VectorFileError` whose message is a Chinese template (marked `N_`) with
parameters, so the layers above can translate it. Whatever the file's CRS, the frame that
comes out is in WGS84 lng/lat.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from typing import TYPE_CHECKING

import numpy as np
import pyproj
import shapely

from gis import crs as crs_mod

if TYPE_CHECKING:  # pyogrio and GeoPandas load only when a file is read or written: a
    import geopandas as gpd  # web worker that never sees an upload keeps ~60 MB less.

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_ZIP_ENTRIES = 200
# A district has tens to hundreds of zones; these caps keep a hostile or mistaken file
# (150,000 polygons, 10 million vertices) from ever reaching the geometry checks.
MAX_FEATURES = 5000
MAX_VERTICES = 3_000_000
# What staff may upload; GCJ-02 and BD-09 only when the user says so (files cannot).
ACCEPTED_CRS = (crs_mod.WGS84, crs_mod.CGCS2000, *crs_mod.GK_3DEG_CM, crs_mod.GK_3DEG_ZONE42,
                crs_mod.GK_6DEG_ZONE21, crs_mod.WEB_MERCATOR)
DECLARABLE_CRS = (*ACCEPTED_CRS, crs_mod.GCJ02, crs_mod.BD09)
EXTENSIONS = {".zip": "shapefile", ".geojson": "geojson", ".json": "geojson",
              ".gpkg": "gpkg", ".kml": "kml"}
_MAGIC = {"shapefile": (b"PK\x03\x04",), "gpkg": (b"SQLite format 3\x00",),
          "geojson": (b"{",), "kml": (b"<",)}
_XML_DANGER = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def N_(message: str) -> str:
    return message


class VectorFileError(ValueError):
    """An upload that cannot be read safely. `code` names the problem for tests and APIs."""

    def __init__(self, code: str, message: str, field: str | None = "file", **params):
        super().__init__(message % params if params else message)
        self.code = code
        self.message = message
        self.field = field
        self.params = params


@dataclass
class VectorUpload:
    """A file read into WGS84, with what was learnt about it on the way."""

    frame: gpd.GeoDataFrame
    kind: str
    sha256: str
    source_crs: str
    layer: str | None = None
    layers: list[str] = field(default_factory=list)
    encoding: str | None = None
    warnings: list[dict] = field(default_factory=list)
    # Rows whose rings were not closed: read with the ring closed, for the report to flag.
    unclosed_rows: list[int] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != "geometry"]

    def preview(self, rows: int = 5) -> list[dict]:
        head = self.frame.drop(columns="geometry").head(rows)
        return [{k: ("" if v is None or v != v else str(v)) for k, v in r.items()}
                for r in head.to_dict("records")]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_kind(filename: str) -> str:
    kind = EXTENSIONS.get(Path(filename).suffix.lower())
    if kind is None:
        raise VectorFileError("wrong_extension", N_(
            "不支持的文件类型 %(name)s：请上传 .zip（Shapefile）、.geojson、.gpkg 或 .kml 文件。"),
            name=Path(filename).name[:80])
    return kind


def _check_envelope(path: Path, filename: str, max_bytes: int) -> str:
    size = path.stat().st_size
    if size == 0:
        raise VectorFileError("empty_file", N_("文件是空的。"))
    if size > max_bytes:
        raise VectorFileError("too_large", N_("文件太大（%(size)s MB），上限是 %(limit)s MB。"),
                              size=round(size / 2**20, 1), limit=round(max_bytes / 2**20))
    kind = file_kind(filename)
    with open(path, "rb") as f:
        head = f.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(_MAGIC[kind]):
        if kind == "shapefile" and head[:2] == b"PK":
            raise VectorFileError("corrupt_zip", N_("压缩包已损坏，无法打开。"))
        raise VectorFileError("wrong_extension", N_(
            "文件内容与扩展名不符（%(name)s），请检查是否选错了文件。"),
            name=Path(filename).name[:80])
    return kind


# ---- zip archives -----------------------------------------------------------------------

def _safe_member(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return not (path.is_absolute() or re.match(r"^[A-Za-z]:", name) or ".." in path.parts)


def extract_zip(path: Path, target: Path, max_unpacked: int = MAX_UNPACKED_BYTES,
                max_ratio: float = MAX_ZIP_RATIO) -> list[Path]:
    """Unpack a zip with caps on total size and compression ratio and no path traversal.
    The declared sizes are checked first, then the real bytes are counted while copying,
    because a hostile archive can lie in its headers."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise VectorFileError("corrupt_zip", N_("压缩包已损坏，无法打开。")) from exc
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if not members:
            raise VectorFileError("empty_file", N_("压缩包里没有文件。"))
        if len(members) > MAX_ZIP_ENTRIES:
            raise VectorFileError("zip_bomb", N_("压缩包里的文件太多（%(n)s 个）。"),
                                  n=len(members))
        for member in members:
            if not _safe_member(member.filename):
                raise VectorFileError("zip_path", N_(
                    "压缩包含有不安全的路径（%(name)s），已拒绝。"), name=member.filename[:80])
        members = _strict_members(members)
        declared = sum(m.file_size for m in members)
        packed = max(path.stat().st_size, 1)
        _check_unpacked(declared, packed, max_unpacked, max_ratio)
        written, extracted = 0, []
        try:
            for member in members:
                out = target / PurePosixPath(member.filename.replace("\\", "/")).name
                with archive.open(member) as src, open(out, "wb") as dst:
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        _check_unpacked(written, packed, max_unpacked, max_ratio)
                        dst.write(chunk)
                extracted.append(out)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
                NotImplementedError) as exc:
            if isinstance(exc, VectorFileError):
                raise
            raise VectorFileError("corrupt_zip", N_("压缩包已损坏，无法打开。")) from exc
    return extracted


ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz")
_SYMLINK = 0o120000


def _strict_members(members: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """The members to unpack, flattened to their names. A symbolic link, an archive inside
    the archive, or two files of one name in different folders (which would silently
    replace each other) is refused, naming the member. macOS's __MACOSX copies are skipped."""
    kept, seen = [], {}
    for member in members:
        name = member.filename.replace("\\", "/")
        if name.startswith("__MACOSX/") or PurePosixPath(name).name.startswith("._"):
            continue
        if (member.external_attr >> 16) & 0o170000 == _SYMLINK:
            raise VectorFileError("zip_symlink", N_(
                "压缩包里的 %(name)s 是一个链接（快捷方式），不是文件本身：请把真正的文件打包后"
                "重新上传。"), name=name[:80])
        base = PurePosixPath(name).name
        if base.lower().endswith(ARCHIVE_SUFFIXES):
            raise VectorFileError("nested_archive", N_(
                "压缩包里还有一个压缩包 %(name)s：请先解开它，把 Shapefile 的各个文件直接打包。"),
                name=name[:80])
        if base.lower() in seen:
            raise VectorFileError("duplicate_member", N_(
                "压缩包里有两个同名文件：%(first)s 和 %(second)s。"
                "请只保留一个图层的文件后重新上传。"),
                first=seen[base.lower()][:80], second=name[:80])
        seen[base.lower()] = name
        kept.append(member)
    if not kept:
        raise VectorFileError("empty_file", N_("压缩包里没有文件。"))
    return kept


def folder_warnings(path: Path) -> list[dict]:
    """A note when the Shapefile's parts sat in a folder of the archive (they are read by
    their names; `_strict_members` has made sure no two share one)."""
    with zipfile.ZipFile(path) as archive:
        nested = [m.filename for m in archive.infolist() if not m.is_dir()
                  and "/" in m.filename.replace("\\", "/").strip("/")
                  and not m.filename.startswith("__MACOSX/")]
    if not nested:
        return []
    return [{"code": "zip_folders", "message": N_(
        "压缩包里的文件放在文件夹中（如 %(name)s），已按文件名读取。"),
        "params": {"name": nested[0][:80]}}]


def _check_unpacked(size: int, packed: int, max_unpacked: int, max_ratio: float) -> None:
    if size > max_unpacked or size / packed > max_ratio:
        raise VectorFileError("zip_bomb", N_(
            "压缩包解压后过大（超过 %(limit)s MB 或压缩比超过 %(ratio)s），疑似压缩炸弹，已拒绝。"),
            limit=round(max_unpacked / 2**20), ratio=int(max_ratio))


def _shapefile_in(files: list[Path], layer: str | None) -> Path:
    shps = sorted(p for p in files if p.suffix.lower() == ".shp")
    if not shps:
        raise VectorFileError("no_shapefile", N_("压缩包里没有 .shp 文件。"))
    if len(shps) > 1:
        chosen = [p for p in shps if p.stem == layer]
        if not chosen:
            raise VectorFileError("choose_layer", N_(
                "压缩包里有多个图层，请选择一个：%(layers)s"), field="layer",
                layers="、".join(p.stem for p in shps))
        shps = chosen
    shp = shps[0]
    siblings = {p.suffix.lower(): p for p in files if p.stem == shp.stem}
    for part in (".shx", ".dbf"):
        if part not in siblings:
            raise VectorFileError("shapefile_incomplete", N_(
                "Shapefile 不完整：缺少 %(part)s 文件（.shp、.shx、.dbf 必须一起打包）。"),
                part=part)
    return shp


def _dbf_text_is_utf8(dbf: Path) -> bool:
    data = dbf.read_bytes()
    header = int.from_bytes(data[8:10], "little") if len(data) >= 10 else 0
    try:
        data[header:].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _shapefile_encoding(shp: Path, encoding: str | None) -> str | None:
    if encoding:
        try:
            "测试".encode(encoding)
        except LookupError as exc:
            raise VectorFileError("bad_encoding", N_("不认识的编码：%(name)s"),
                                  field="encoding", name=encoding[:40]) from exc
        return encoding
    cpg = shp.with_suffix(".cpg")
    if not cpg.exists():
        cpg = next((p for p in shp.parent.iterdir()
                    if p.stem == shp.stem and p.suffix.lower() == ".cpg"), cpg)
    if cpg.exists():
        return None  # GDAL honours the .cpg itself
    if not _dbf_text_is_utf8(next(p for p in shp.parent.iterdir()
                                  if p.stem == shp.stem and p.suffix.lower() == ".dbf")):
        raise VectorFileError("unknown_encoding", N_(
            "属性表不是 UTF-8 编码，且没有 .cpg 文件：请选择编码（通常是 GBK）后重新读取。"),
            field="encoding")
    return None


# ---- CRS --------------------------------------------------------------------------------

def _file_crs(info_crs: str | None) -> str | None:
    if not info_crs:
        return None
    try:
        epsg = pyproj.CRS.from_user_input(info_crs).to_epsg(min_confidence=70)
    except pyproj.exceptions.CRSError:
        epsg = None
    if epsg is None:
        raise VectorFileError("unsupported_crs", N_(
            "文件的坐标系无法识别为支持的坐标系（WGS84、CGCS2000、CGCS2000 高斯-克吕格投影、"
            "Web 墨卡托），请确认或手动指定。"), field="crs")
    name = f"EPSG:{epsg}"
    if name not in ACCEPTED_CRS:
        raise VectorFileError("unsupported_crs", N_("不支持的坐标系 %(crs)s。"), field="crs",
                              crs=name)
    return name


def _declared_crs(declared: str) -> str:
    try:
        name = crs_mod.canonical_crs(declared)
    except crs_mod.UnknownCRSError as exc:
        raise VectorFileError("unsupported_crs", N_("不支持的坐标系 %(crs)s。"), field="crs",
                              crs=str(declared)[:40]) from exc
    if name not in DECLARABLE_CRS:
        raise VectorFileError("unsupported_crs", N_("不支持的坐标系 %(crs)s。"), field="crs",
                              crs=name)
    return name


def coordinate_warnings(bounds: tuple[float, float, float, float], source: str) -> list[dict]:
    """Warnings for numbers that do not fit the declared CRS (China: lng 73–135, lat 3–54)."""
    x0, y0, x1, y1 = bounds
    if source not in crs_mod.LNG_LAT_CRS or not np.all(np.isfinite(bounds)):
        return []
    if 3 <= x0 and x1 <= 54 and 73 <= y0 and y1 <= 135:
        return [{"code": "swapped_axes", "message": N_(
            "坐标的经度和纬度似乎颠倒了（在中国，经度约为 73 到 135，纬度约为 3 到 54）。"),
            "params": {}}]
    if max(abs(x0), abs(x1)) > 180 or max(abs(y0), abs(y1)) > 90:
        return [{"code": "projected_numbers", "message": N_(
            "坐标数值像是投影坐标（米），但文件声明为经纬度（%(crs)s）：请指定正确的坐标系。"),
            "params": {"crs": source}}]
    return []


# ---- reading ----------------------------------------------------------------------------

def _read_frame(source: Path, layer: str | None, encoding: str | None
                ) -> tuple[gpd.GeoDataFrame, list[int]]:
    """The rows, and which of them had a ring that was not closed (GEOS refuses those; they
    are read closed so that the report can point at them)."""
    import geopandas as gpd
    import pyogrio
    import pyogrio.raw
    errors = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
              pyogrio.errors.FieldError, pyogrio.errors.GeometryError, UnicodeDecodeError,
              ValueError)
    try:
        return pyogrio.read_dataframe(source, layer=layer, encoding=encoding), []
    except shapely.errors.GEOSException:
        pass
    except errors as exc:
        raise VectorFileError("unreadable", N_("无法读取文件：格式错误或已损坏。")) from exc
    try:
        attributes = pyogrio.read_dataframe(source, layer=layer, encoding=encoding,
                                            read_geometry=False)
        wkb = pyogrio.raw.read(source, layer=layer, encoding=encoding, columns=[])[2]
        geoms = shapely.from_wkb(wkb, on_invalid="ignore")
        broken = [i for i, g in enumerate(geoms) if g is None and wkb[i] is not None]
        geoms[broken] = shapely.from_wkb(wkb[broken], on_invalid="fix")
    except (*errors, shapely.errors.GEOSException) as exc:
        raise VectorFileError("unreadable", N_("无法读取文件：格式错误或已损坏。")) from exc
    return gpd.GeoDataFrame(attributes, geometry=list(geoms)), broken


def _check_counts(features: int) -> None:
    if features > MAX_FEATURES:
        raise VectorFileError("too_many_features", N_(
            "文件有 %(n)s 个要素，超过了 %(limit)s 个的上限：一个区的学区不会这么多，"
            "请检查是否导出了错误的图层。"), n=features, limit=MAX_FEATURES)


def _layers(source: Path) -> list[str]:
    import pyogrio
    try:
        return [str(name) for name in pyogrio.list_layers(source)[:, 0]]
    except (pyogrio.errors.DataSourceError, ValueError) as exc:
        raise VectorFileError("unreadable", N_("无法读取文件：格式错误或已损坏。")) from exc


def read_upload(path: Path, filename: str, *, layer: str | None = None,
                encoding: str | None = None, declared_crs: str | None = None,
                max_bytes: int = MAX_UPLOAD_BYTES) -> VectorUpload:
    """Read an uploaded file into a WGS84 GeoDataFrame, refusing anything unsafe or unclear."""
    import geopandas as gpd
    import pyogrio
    path = Path(path)
    kind = _check_envelope(path, filename, max_bytes)
    digest = sha256_of(path)
    with tempfile.TemporaryDirectory(prefix="xuequ-upload-") as tmp:
        source, layers, chosen, archive_notes = path, [], layer, []
        if kind == "shapefile":
            files = extract_zip(path, Path(tmp))
            archive_notes = folder_warnings(path)
            source = _shapefile_in(files, layer)
            layers, chosen = [source.stem], None
            encoding = _shapefile_encoding(source, encoding)
        elif kind == "kml":
            if _XML_DANGER.search(path.read_bytes()):
                raise VectorFileError("xml_entities", N_(
                    "KML 文件含有 DOCTYPE 或实体声明（可能是外部实体或“十亿笑”攻击），已拒绝。"))
            # GDAL sniffs the driver from the name; a private copy gets the right suffix.
            source = Path(tmp) / "upload.kml"
            shutil.copyfile(path, source)
        else:
            source = Path(tmp) / f"upload{Path(filename).suffix.lower()}"
            shutil.copyfile(path, source)
        if kind in ("gpkg", "kml"):
            layers = _layers(source)
            if len(layers) > 1 and chosen not in layers:
                raise VectorFileError("choose_layer", N_(
                    "文件里有多个图层，请选择一个：%(layers)s"), field="layer",
                    layers="、".join(layers))
            chosen = chosen if chosen in layers else (layers[0] if layers else None)
        info_crs = None
        if kind != "kml":
            try:
                info = pyogrio.read_info(source, layer=chosen if kind == "gpkg" else None,
                                         encoding=encoding)
            except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
                    ValueError) as exc:
                raise VectorFileError("unreadable", N_("无法读取文件：格式错误或已损坏。")) \
                    from exc
            info_crs = info["crs"]
            _check_counts(int(info.get("features") or 0))
        frame, unclosed = _read_frame(source, chosen if kind in ("gpkg", "kml") else None,
                                      encoding)
        _check_counts(len(frame))
    file_crs = crs_mod.WGS84 if kind == "kml" else _file_crs(info_crs)
    if declared_crs:
        source_crs = _declared_crs(declared_crs)
    elif file_crs is None:
        raise VectorFileError("missing_crs", N_(
            "文件没有坐标系信息（缺少 .prj）：请指定坐标系，例如 CGCS2000 或 WGS84。"),
            field="crs")
    else:
        source_crs = file_crs
    if len(frame) == 0:
        raise VectorFileError("empty_file", N_("文件里没有任何要素。"))
    geoms = shapely.force_2d(np.asarray(frame.geometry.values, dtype=object))
    vertices = int(shapely.get_num_coordinates(geoms).sum())
    if vertices > MAX_VERTICES:
        raise VectorFileError("too_many_vertices", N_(
            "文件共有 %(n)s 个顶点，超过了 %(limit)s 个的上限：请先在 GIS 软件里简化边界"
            "（例如容差 0.5 米）再上传。"), n=vertices, limit=MAX_VERTICES)
    warnings = archive_notes + coordinate_warnings(tuple(shapely.total_bounds(geoms)),
                                                   source_crs)
    if source_crs not in (crs_mod.WGS84, crs_mod.CGCS2000):
        geoms = crs_mod.transform_geometry(geoms, source_crs, crs_mod.WGS84)
    out = gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=list(geoms),
                           crs=crs_mod.WGS84)
    return VectorUpload(frame=out, kind=kind, sha256=digest, source_crs=source_crs,
                        layer=chosen, layers=layers, encoding=encoding, warnings=warnings,
                        unclosed_rows=unclosed)


def write_frame(frame: gpd.GeoDataFrame, driver: str) -> bytes:
    """The frame as a GeoJSON or GeoPackage file's bytes (written by pyogrio)."""
    import pyogrio
    suffix = {"GeoJSON": ".geojson", "GPKG": ".gpkg"}[driver]
    with tempfile.TemporaryDirectory(prefix="xuequ-export-") as tmp:
        out = Path(tmp) / f"zones{suffix}"
        pyogrio.write_dataframe(frame, out, driver=driver, layer="zones")
        return out.read_bytes()
