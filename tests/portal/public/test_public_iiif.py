"""IIIF Presentation 3 manifests and the Content Search 1.0 service."""

from __future__ import annotations


def test_manifest_has_a_canvas_per_page_sized_in_master_pixels(client, library):
    data = client.get(f"/iiif/objects/{library.object_id}/manifest.json").get_json()
    assert data["type"] == "Manifest"
    assert "http://iiif.io/api/presentation/3/context.json" in data["@context"]
    assert data["label"] == {"none": ["Hikajat Radja-Radja Sambas"]}
    canvases = data["items"]
    assert [(c["width"], c["height"]) for c in canvases] == [(800, 600), (800, 600)]
    body = canvases[0]["items"][0]["items"][0]["body"]
    assert body["id"].endswith(f"/files/{library.display_sha}") and body["format"] == "image/jpeg"
    assert canvases[0]["items"][0]["items"][0]["target"] == canvases[0]["id"]
    assert canvases[1]["items"][0]["items"][0]["body"]["format"] == "image/png"  # master only
    service = data["service"][0]
    assert service["profile"] == "http://iiif.io/api/search/1/search"
    assert data["homepage"][0]["id"] == f"http://localhost/records/{library.manuscript}"


def test_manifest_of_unknown_object_is_404_json(client, library):
    response = client.get("/iiif/objects/999/manifest.json")
    assert response.status_code == 404
    assert response.get_json()["error"] == "NotFound"


def test_content_search_targets_canvas_boxes(client, indexed):
    manifest = client.get(f"/iiif/objects/{indexed.object_id}/manifest.json").get_json()
    search_url = manifest["service"][0]["@id"]
    data = client.get(search_url + "?q=sambas").get_json()
    assert data["@context"] == "http://iiif.io/api/search/1/context.json"
    assert data["@type"] == "sc:AnnotationList"
    assert [r["on"] for r in data["resources"]] == [
        manifest["items"][0]["id"] + "#xywh=40,140,170,40"
    ]
    assert data["resources"][0]["resource"]["chars"] == "Sambas"
    empty = client.get(search_url + "?q=").get_json()
    assert empty["resources"] == []
