/* The batch page (templates/workspace/batch.html).
 *
 * Uppy's Dashboard (static/vendor/uppy, built from assets/uppy.js) sends the files
 * dropped or chosen with the tus protocol to the endpoint named in #batch-upload's
 * data-endpoint, with the batch's id in the metadata and the CSRF token in the
 * X-CSRFToken header. Uploads are resumable: a broken connection or a restarted server
 * is retried, each time from the offset the server reports. When the server refuses a
 * file, its reason (the JSON "message") is shown on that file; the others go on.
 * The list of the batch's files (#batch-files) is rebuilt from its data-files JSON while
 * uploads run and after each one ends. Text only: nothing is inserted as HTML.
 */
(function () {
  'use strict';

  var table = document.getElementById('batch-files');
  var box = document.getElementById('batch-upload');
  var pending = null;

  function cell(row, text, className) {
    var td = document.createElement('td');
    if (className) { td.className = className; }
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  /* A cell labelled like the server's (the label shows where headings are hidden). */
  function labelled(row, text, index) {
    var td = cell(row, text);
    var heading = table.tHead && table.tHead.rows[0].cells[index];
    if (heading) { td.setAttribute('data-label', heading.textContent.trim()); }
    return td;
  }

  function message(row, file) {
    var td = cell(row, '', 'upload-message');
    if (file.reason) {
      var strong = document.createElement('strong');
      strong.textContent = file.reason;
      td.appendChild(strong);
      td.appendChild(document.createTextNode(' '));
    }
    td.appendChild(document.createTextNode(file.message));
  }

  function render(data) {
    var body = table.tBodies[0];
    var rows = document.createDocumentFragment();
    data.files.forEach(function (file) {
      var row = document.createElement('tr');
      row.className = 'upload-' + file.status;
      row.setAttribute('data-upload', file.id);
      cell(row, file.filename);
      labelled(row, file.size, 1);
      var badge = document.createElement('span');
      badge.className = 'badge state-' + file.status;
      badge.textContent = file.state;
      cell(row, '').appendChild(badge);
      labelled(row, file.pages, 3);
      message(row, file);
      rows.appendChild(row);
    });
    if (!data.files.length) {
      var empty = document.createElement('tr');
      empty.className = 'no-files';
      cell(empty, data.empty).colSpan = 5;
      rows.appendChild(empty);
    }
    body.replaceChildren(rows);
    var summary = document.getElementById('batch-files-summary');
    if (summary) { summary.textContent = data.summary; }
  }

  function refresh() {
    if (!table) { return Promise.resolve(); }
    return fetch(table.getAttribute('data-files'), {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' }
    }).then(function (response) {
      return response.ok ? response.json().then(render) : null;
    }).catch(function () { return null; });
  }

  /* Refresh soon (several events in a row give one request). */
  function refreshSoon() {
    if (pending) { return; }
    pending = window.setTimeout(function () { pending = null; refresh(); }, 300);
  }

  function serverMessage(response) {
    var xhr = response && response.body && response.body.xhr;
    if (!xhr || !xhr.responseText) { return null; }
    try {
      return JSON.parse(xhr.responseText).message || null;
    } catch (e) {
      return null;
    }
  }

  if (!box || !window.WarisanUppy) { return; }
  var parts = window.WarisanUppy;
  var data = box.dataset;
  var options = {
    id: 'batch-' + data.batch,
    autoProceed: true,
    restrictions: { maxFileSize: Number(data.maxBytes) || null },
    meta: { batch_id: data.batch }
  };
  if (parts.locales[data.locale]) { options.locale = parts.locales[data.locale]; }
  var uppy = new parts.Uppy(options);
  uppy.use(parts.Dashboard, {
    inline: true,
    target: box,
    width: '100%',
    height: 380,
    note: data.note,
    proudlyDisplayPoweredByUppy: false,
    disableThumbnailGenerator: true,
    showRemoveButtonAfterComplete: false
  });
  uppy.use(parts.Tus, {
    endpoint: data.endpoint,
    headers: { 'X-CSRFToken': data.csrf },
    chunkSize: 50 * 1024 * 1024,
    retryDelays: [0, 1000, 2000, 4000, 8000, 15000, 30000, 60000],
    removeFingerprintOnSuccess: true,
    allowedMetaFields: ['name', 'type', 'batch_id']
  });

  var poller = null;
  uppy.on('upload', function () {
    if (!poller) { poller = window.setInterval(refresh, 2000); }
  });
  uppy.on('upload-error', function (file, error, response) {
    var message = serverMessage(response);
    if (message && uppy.getFile(file.id)) {
      uppy.setFileState(file.id, { error: message });
    }
    refreshSoon();
  });
  uppy.on('upload-success', refreshSoon);
  uppy.on('complete', function () {
    if (poller) { window.clearInterval(poller); poller = null; }
    refreshSoon();
  });
  box.warisanUppy = uppy;
}());
