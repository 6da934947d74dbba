"""Reading a partner file as delivered, one object at a time: a DATAtourisme flux zip (index.json and
one JSON-LD file per object under objects/), a JSON-LD file (one object, a list or an @graph, parsed
as a stream with ijson), or a CSV (read line by line). Never the whole file in memory."""
import codecs
import csv
import io
import json
import re
import zipfile

import ijson
from flask_babel import lazy_gettext as _l

from ..csvfiles import FileRejected, looks_binary

SAMPLE = 64 * 1024
#: One object file of a flux is a few kB; a member far bigger is no flux object (or a zip bomb).
MAX_MEMBER_BYTES = 50 * 1024 * 1024
csv.field_size_limit(10 * 1024 * 1024)


class Item:
    """One object (a JSON-LD dict) or one CSV record (cells) read from the file, or why it could not be."""

    __slots__ = ("position", "data", "error")

    def __init__(self, position, data=None, error=None):
        self.position, self.data, self.error = position, data, error


class PartnerSource:
    """An opened file: its kind ('zip', 'json' or 'csv'), its CSV header, its items and progress."""

    def __init__(self, fileobj, filename: str = "", size: int = 0):
        self.file, self.filename, self.size = fileobj, filename or "", size
        self.kind, self.encoding, self.delimiter, self.header = "", "", "", []
        self.done, self.total = 0, size or 1
        self._zip = None
        self._open()

    def _open(self):
        start = self.file.read(SAMPLE)
        self.file.seek(0)
        if not start.strip():
            raise FileRejected(_l("Le fichier est vide."))
        if start.startswith(b"PK\x03\x04"):
            self._open_zip()
            return
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
                looks_binary(start) and not _is_json_start(start)):
            raise FileRejected(_l("Ce fichier n'est ni un CSV, ni un fichier JSON-LD, ni un flux "
                                  "DATAtourisme (zip) : envoyez un fichier .zip, .json, .jsonld ou .csv."))
        if _is_json_start(start) or self.filename.lower().endswith((".json", ".jsonld")):
            self.kind, self.encoding = "json", "UTF-8"
        else:
            self.kind = "csv"
            self._open_csv(self.file, start)

    # --- zip -------------------------------------------------------------------------------------
    def _open_zip(self):
        excel = FileRejected(_l("Ce fichier est un classeur Excel, pas un CSV : dans Excel, "
                                "enregistrez-le au format « CSV UTF-8 (délimité par des virgules) »."))
        if self.filename.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")):
            raise excel
        try:
            self._zip = zipfile.ZipFile(self.file)
            infos = [i for i in self._zip.infolist() if not i.is_dir()]
        except (zipfile.BadZipFile, OSError):
            raise FileRejected(_l("Ce fichier zip est abîmé ou incomplet : téléchargez de nouveau le "
                                  "flux DATAtourisme.")) from None
        if any(i.filename.startswith(("xl/", "content.xml")) for i in infos[:50]):
            raise excel
        objects = [i for i in infos if "objects/" in i.filename and _is_json_name(i.filename)]
        if not objects:
            objects = [i for i in infos if _is_json_name(i.filename)
                       and i.filename.rsplit("/", 1)[-1].lower() != "index.json"]
        csvs = [i for i in infos if i.filename.lower().endswith(".csv")]
        if not objects and csvs:
            self.members, self.kind = csvs[:1], "zip_csv"
            handle = self._zip.open(csvs[0])
            self._open_csv(handle, handle.read(SAMPLE))
            self._csv_handle = self._zip.open(csvs[0])
            self.total = max(csvs[0].file_size, 1)
            return
        if not objects:
            raise FileRejected(_l("Ce zip ne contient ni objets JSON-LD (dossier objects/) ni CSV : "
                                  "ce n'est pas un flux DATAtourisme."))
        self.kind, self.encoding, self.members = "zip", "UTF-8", sorted(objects, key=lambda i: i.filename)
        self.total = len(objects)

    def _zip_items(self):
        position = 0
        for index, info in enumerate(self.members, start=1):
            self.done = index
            if info.file_size > MAX_MEMBER_BYTES:
                position += 1
                yield Item(position, error=_l("%(name)s : fichier trop gros pour un objet (%(size)s Mo).",
                                              name=info.filename, size=info.file_size // (1024 * 1024)))
                continue
            try:
                with self._zip.open(info) as handle:
                    document = json.load(handle)
            except (ValueError, RecursionError, zipfile.BadZipFile, OSError):
                position += 1
                yield Item(position, error=_l("%(name)s : JSON mal formé, objet ignoré.", name=info.filename))
                continue
            for obj in _objects_of(document):
                position += 1
                yield Item(position, obj)

    # --- JSON ------------------------------------------------------------------------------------
    def _json_items(self):
        raw = self.file
        start = raw.read(SAMPLE).lstrip(codecs.BOM_UTF8).lstrip()
        raw.seek(0)
        head = start[:1]
        if head not in (b"{", b"["):
            raise FileRejected(_l("Ce fichier JSON est mal formé."))
        position = 0
        try:
            stream = _SkipBom(raw)
            for obj in _stream_objects(stream, head):
                position += 1
                self.done = raw.tell()
                if position == 1:
                    _refuse_a_flux_index(obj)
                yield Item(position, obj) if isinstance(obj, dict) else \
                    Item(position, error=_l("Objet %(n)s : ce n'est pas un objet JSON-LD.", n=position))
        except ijson.JSONError:
            if not position:
                raise FileRejected(_l("Ce fichier JSON est mal formé.")) from None
            raise FileRejected(_l("Ce fichier JSON est mal formé ou coupé après l'objet %(n)s : "
                                  "téléchargez-le de nouveau.", n=position)) from None
        except UnicodeDecodeError:
            raise FileRejected(_l("Ce fichier JSON n'est pas encodé en UTF-8.")) from None

    # --- CSV -------------------------------------------------------------------------------------
    def _open_csv(self, handle, start: bytes):
        if start.startswith(codecs.BOM_UTF8):
            self.encoding, codec = "UTF-8", "utf-8-sig"
        else:
            try:
                start[:len(start) - 4 if len(start) == SAMPLE else None].decode("utf-8")
                self.encoding, codec = "UTF-8", "utf-8"
            except UnicodeDecodeError:
                self.encoding, codec = "Windows-1252", "cp1252"
        self._codec = codec
        text = start.decode(codec, errors="replace")
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        declared = re.fullmatch(r"(?i)sep=(.)", first)
        self._sep_line = bool(declared)
        if declared:
            self.delimiter = declared.group(1)
            first = next((line for line in text.splitlines()[1:] if line.strip()), "")
        else:
            self.delimiter = max(";,", key=first.count)

    def _csv_records(self):
        handle = self._csv_handle if self.kind == "zip_csv" else self.file
        text = io.TextIOWrapper(handle, encoding=self._codec, newline="")
        reader = csv.reader(text, delimiter=self.delimiter)
        line = 1
        try:
            for cells in reader:
                if self._sep_line and line == 1:
                    line = reader.line_num + 1
                    continue
                if any(cell.strip() for cell in cells):
                    yield line, cells
                line = reader.line_num + 1
                self.done = handle.tell() if self.kind == "csv" else self.done
        except csv.Error:
            raise FileRejected(_l("Le fichier CSV est mal formé vers la ligne %(line)s : vérifiez "
                                  "les guillemets.", line=reader.line_num)) from None
        except UnicodeDecodeError:
            raise FileRejected(_l("Encodage du fichier non reconnu : enregistrez-le en UTF-8 ou en "
                                  "Windows-1252 (« CSV UTF-8 » dans Excel).")) from None
        finally:
            text.detach()

    def records(self):
        """CSV files: (line number, cells) of each non-empty record, the header first."""
        return self._csv_records()

    def objects(self):
        """JSON and zip files: an Item per object."""
        return self._zip_items() if self.kind == "zip" else self._json_items()

    @property
    def is_csv(self) -> bool:
        return self.kind in ("csv", "zip_csv")

    def close(self):
        if self._zip is not None:
            self._zip.close()


def _stream_objects(stream, head: bytes):
    """The objects of a JSON document, streamed: each item of a top-level list or of an @graph, or the
    document itself when it is one object without @graph. ijson's basic events keep memory flat
    (its prefixes would grow with the nesting); nesting deeper than any export is refused."""
    depth, builder, start_depth = 0, None, None
    top, key, graph, in_graph = {}, None, False, False
    item_depth = 1 if head == b"[" else 2  # the depth of the container holding the objects
    for event, value in ijson.basic_parse(stream, use_float=True):
        opening, closing = event in ("start_map", "start_array"), event in ("end_map", "end_array")
        if opening:
            depth += 1
            if depth > MAX_DEPTH:
                raise FileRejected(_l("Ce fichier JSON est mal formé."))
        if builder is not None:  # inside one value being built (an object, or a top-level value)
            builder.event(event, value)
            if closing:
                depth -= 1
            if depth == start_depth and (closing or not opening):
                if in_graph or head == b"[":
                    yield builder.value
                else:
                    top[key] = builder.value
                builder = None
            continue
        if closing:
            depth -= 1
            if in_graph and depth == 1:
                in_graph = False
            continue
        if head == b"[":
            if depth == 1 and not opening:
                yield value  # a bare value in the list
            elif depth == 2:
                builder, start_depth = ijson.ObjectBuilder(), 1
                builder.event(event, value)
            continue
        if depth == 1 and event == "map_key":
            key = value
            continue
        if depth == 1 and not opening:  # a scalar at the top level
            top[key] = value
        elif depth == 2 and key == "@graph" and event == "start_array" and not in_graph:
            graph = in_graph = True
        elif in_graph and depth == 2 and not opening:
            yield value  # a bare value in the graph
        elif opening and (depth == 3 and in_graph or depth == 2):
            builder, start_depth = ijson.ObjectBuilder(), depth - 1
            builder.event(event, value)
    if head == b"{" and not graph:
        yield top


MAX_DEPTH = 100


def _objects_of(document) -> list:
    if isinstance(document, dict):
        graph = document.get("@graph")
        return graph if isinstance(graph, list) else [document]
    return document if isinstance(document, list) else []


def _refuse_a_flux_index(obj):
    """The flux's own index.json lists the object files; the objects are in the zip beside it."""
    if isinstance(obj, dict) and "file" in obj and "@id" not in obj and "@type" not in obj:
        raise FileRejected(_l("Ce fichier est l'index (index.json) d'un flux DATAtourisme : envoyez "
                              "le fichier zip du flux tel quel, il contient l'index et les objets."))


def _is_json_start(start: bytes) -> bool:
    return start.lstrip(codecs.BOM_UTF8).lstrip()[:1] in (b"{", b"[")


def _is_json_name(name: str) -> bool:
    return name.lower().endswith((".json", ".jsonld"))


class _SkipBom(io.RawIOBase):
    """The file without its UTF-8 byte-order mark, which ijson would refuse."""

    def __init__(self, raw):
        self.raw, self.first = raw, True

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.raw.read(size)
        if self.first:
            self.first = False
            if data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8):]
        return data

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)
