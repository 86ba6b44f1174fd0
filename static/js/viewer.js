/* Warisan page viewer: OpenSeadragon deep zoom of the page images, a page strip, the
 * OCR text beside the image, and search-inside hits boxed on the image from the stored
 * word coordinates (master-image pixels). Without JavaScript the page still shows the
 * display image, the text and the strip links; this script only enhances it.
 *
 * On the workspace's correction page (section.viewer.correct) the same viewer shows
 * one page; the box of the OCR line whose input has the focus is marked on it, and
 * saving posts the changed lines only (inputs still reading as data-current are left
 * out; the server ignores unchanged lines anyway). */
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
    if (section.classList.contains("correct")) { correcting(section, viewer, pages[0]); }

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
          if (pages[number - 1].language_label) {
            var language = document.createElement("p");
            language.className = "page-language muted";
            language.textContent = pages[number - 1].language_label;
            textBox.appendChild(language);
          }
          if (data.corrected) {
            var badge = document.createElement("p");
            badge.className = "corrected-badge";
            badge.textContent = section.getAttribute("data-label-corrected");
            textBox.appendChild(badge);
          }
          textBox.appendChild(pre);
          if (data.corrected) {
            var details = document.createElement("details");
            var summary = document.createElement("summary");
            summary.textContent = section.getAttribute("data-label-original");
            var original = pre.cloneNode(false);
            original.textContent = data.original_text;
            details.appendChild(summary);
            details.appendChild(original);
            textBox.appendChild(details);
          }
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
      var correct = section.querySelector("a.correct-link");
      if (correct) {
        correct.href = correct.getAttribute("data-href").replace(/\/0\/(\w+)$/,
          "/" + pages[number - 1].id + "/$1");
      }
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

  function correcting(section, viewer, page) {
    function mark(input) {
      viewer.clearOverlays();
      var item = viewer.world.getItemAt(0);
      if (!item || !page.width) { return; }
      var box = input.getAttribute("data-box").split(",").map(Number);
      var scale = item.getContentSize().x / page.width;
      var rect = item.imageToViewportRectangle(
        box[0] * scale, box[1] * scale, box[2] * scale, box[3] * scale);
      var element = document.createElement("div");
      element.className = "line-box";
      element.setAttribute("data-box", box.join(","));
      viewer.addOverlay({ element: element, location: rect });
      viewer.viewport.fitBounds(new OpenSeadragon.Rect(
        rect.x - rect.width * 0.1, rect.y - rect.height * 4,
        rect.width * 1.2, rect.height * 9));
      section.setAttribute("data-line", input.id);
    }
    var inputs = section.querySelectorAll(".correct-form input[data-box]");
    inputs.forEach(function (input) {
      input.addEventListener("focus", function () { mark(input); });
      input.addEventListener("input", function () {
        input.classList.toggle("changed", input.value !== input.getAttribute("data-current"));
      });
    });
    var form = section.querySelector(".correct-form");
    form.addEventListener("submit", function () {
      inputs.forEach(function (input) {
        if (input.value === input.getAttribute("data-current")) { input.disabled = true; }
      });
    });
    window.addEventListener("pageshow", function () {  /* back from the next page */
      inputs.forEach(function (input) { input.disabled = false; });
    });
  }

  document.querySelectorAll("section.viewer").forEach(start);
})();
