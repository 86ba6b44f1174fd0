/* Warisan page viewer: OpenSeadragon deep zoom of the page images, a page strip, the
 * OCR text beside the image, and search-inside hits boxed on the image from the stored
 * word coordinates (master-image pixels). Without JavaScript the page still shows the
 * display image, the text and the strip links; this script only enhances it. */
(function () {
  "use strict";

  function readJson(element, name) {
    try { return JSON.parse(element.getAttribute(name) || "null"); } catch (e) { return null; }
  }

  function source(page) {
    if (!page.tiles) { return { type: "image", url: page.image }; }
    return {
      Image: {
        xmlns: "http://schemas.microsoft.com/deepzoom/2008",
        Url: page.tiles, Format: "jpg", Overlap: "1", TileSize: "510",
        Size: { Width: String(page.width), Height: String(page.height) }
      }
    };
  }

  function start(section) {
    var pages = readJson(section, "data-pages") || [];
    var hits = readJson(section, "data-hits") || [];
    var current = parseInt(section.getAttribute("data-page"), 10) || 1;
    var imageBox = section.querySelector(".viewer-image");
    var textBox = section.querySelector(".page-text");
    if (!pages.length || !imageBox || typeof OpenSeadragon === "undefined") { return; }

    var fallback = imageBox.querySelector(".page-image");
    if (fallback) { fallback.remove(); }
    var viewer = OpenSeadragon({
      element: imageBox,
      prefixUrl: section.getAttribute("data-osd-images"),
      showNavigator: true,
      navigatorPosition: "BOTTOM_RIGHT",
      gestureSettingsMouse: { clickToZoom: false },
      crossOriginPolicy: false,
      tileSources: source(pages[current - 1])
    });
    section.warisanViewer = viewer;

    function boxesFor(number) {
      var out = [];
      hits.forEach(function (hit) { if (hit.n === number) { out = out.concat(hit.boxes); } });
      return out;
    }

    function drawHits() {
      viewer.clearOverlays();
      var item = viewer.world.getItemAt(0);
      var page = pages[current - 1];
      if (!item || !page.width) { return; }
      var scale = item.getContentSize().x / page.width;
      boxesFor(current).forEach(function (box) {
        var mark = document.createElement("div");
        mark.className = "hit-box";
        mark.setAttribute("data-box", box.join(","));
        var rect = item.imageToViewportRectangle(
          box[0] * scale, box[1] * scale, box[2] * scale, box[3] * scale);
        viewer.addOverlay({ element: mark, location: rect });
      });
      section.setAttribute("data-drawn", String(current));
    }

    viewer.addHandler("open", drawHits);

    function showText(number) {
      fetch(section.getAttribute("data-pages-api") + number, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || !textBox) { return; }
          var heading = textBox.querySelector("h3");
          var pre = document.createElement("pre");
          pre.textContent = data.text;
          var lang = pages[number - 1].lang;
          if (lang) { pre.setAttribute("lang", lang); }
          textBox.textContent = "";
          if (heading) {
            heading.textContent = section.getAttribute("data-label-page") + " " + number;
            textBox.appendChild(heading);
          }
          textBox.appendChild(pre);
        });
    }

    function go(number, link) {
      if (number < 1 || number > pages.length || number === current) { return; }
      current = number;
      section.setAttribute("data-drawn", "");
      viewer.open(source(pages[number - 1]));
      showText(number);
      section.querySelectorAll(".page-strip a[aria-current]").forEach(function (a) {
        a.removeAttribute("aria-current");
      });
      if (link) { link.setAttribute("aria-current", "page"); }
      var url = new URL(window.location.href);
      url.searchParams.set("page", String(number));
      window.history.replaceState(null, "", url.toString());
    }

    section.querySelectorAll(".page-strip a[data-page], .hit-list a").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = new URL(link.href, window.location.href);
        var number = parseInt(link.getAttribute("data-page") || target.searchParams.get("page"), 10);
        if (!number) { return; }
        event.preventDefault();
        var stripLink = section.querySelector('.page-strip a[data-page="' + number + '"]');
        go(number, stripLink);
      });
    });
  }

  document.querySelectorAll("section.viewer").forEach(start);
})();
