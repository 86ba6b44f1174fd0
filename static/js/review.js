/* The review screen's drag and drop: a progressive enhancement over the pages' Up and
   Down buttons (which work without it). Dropping a page in review on another submits
   the whole new order of the pages in review to the screen's order URL, with the CSRF
   token, as an ordinary form post; the server answers with the screen again. */
(function () {
  "use strict";
  var list = document.querySelector("ol.review-pages[data-order-url]");
  if (!list) {
    return;
  }
  function pages() {
    return Array.prototype.slice.call(list.querySelectorAll("li.in-review"));
  }
  if (pages().length < 2) {
    return;
  }
  var help = document.getElementById("drag-help");
  if (help) {
    help.hidden = false;
  }
  var dragged = null;

  function save() {
    var form = document.createElement("form");
    form.method = "post";
    form.action = list.getAttribute("data-order-url");
    function add(name, value) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.appendChild(input);
    }
    add("csrf_token", list.getAttribute("data-csrf"));
    pages().forEach(function (li) {
      add("page", li.getAttribute("data-page-id"));
    });
    document.body.appendChild(form);
    form.submit();
  }

  pages().forEach(function (li) {
    li.draggable = true;
    li.addEventListener("dragstart", function (event) {
      dragged = li;
      li.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", li.getAttribute("data-page-id"));
    });
    li.addEventListener("dragend", function () {
      li.classList.remove("dragging");
      dragged = null;
    });
    li.addEventListener("dragover", function (event) {
      if (dragged && dragged !== li) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        li.classList.add("drop-target");
      }
    });
    li.addEventListener("dragleave", function () {
      li.classList.remove("drop-target");
    });
    li.addEventListener("drop", function (event) {
      event.preventDefault();
      li.classList.remove("drop-target");
      if (!dragged || dragged === li) {
        return;
      }
      var order = pages();
      var later = order.indexOf(dragged) < order.indexOf(li);
      list.insertBefore(dragged, later ? li.nextSibling : li);
      save();
    });
  });
})();
