// Live notices for the desk's pages: one EventSource per page (server-sent events from /events).
(function () {
  "use strict";
  var notice = document.getElementById("notice");
  var waiting = document.getElementById("waiting");
  var waitingFor = waiting && waiting.dataset.request;
  if (waitingFor) { waiting.hidden = false; }

  function text(value) { return value === null || value === undefined ? "" : String(value); }

  function cell(row, value) {
    var td = document.createElement("td");
    td.textContent = text(value);
    row.appendChild(td);
    return td;
  }

  function addArrivalRow(event) {
    var table = document.getElementById("arrivals");
    if (!table) { return; }
    var body = table.tBodies[0];
    var empty = body.querySelector("tr.empty");
    if (empty) { empty.remove(); }
    var row = document.createElement("tr");
    row.dataset.arrival = event.id;
    row.className = "fresh outcome-" + event.outcome;
    cell(row, event.time);
    cell(row, { face: "カードリーダー", inquiry: "再確認", reconciled: "再照会（復旧後）", emergency: "緊急時（一括照会結果）" }[event.source] || event.source);
    cell(row, event.name || "—");
    cell(row, event.birthdate);
    var result = cell(row, event.outcome_label);
    result.className = "result";
    cell(row, event.patient_id ? event.patient_name + "（" + String(event.patient_id).padStart(8, "0") + "）" : "未照合");
    var open = document.createElement("a");
    open.href = "/arrivals/" + event.id;
    open.textContent = "開く";
    cell(row, "").appendChild(open);
    body.insertBefore(row, body.firstChild);
  }

  function showNotice(event) {
    var link = document.createElement("a");
    link.href = "/arrivals/" + event.id;
    link.textContent = "開く";
    notice.textContent = (event.source === "face" ? "カードリーダーで資格確認がありました：" : "資格確認結果が届きました：")
      + text(event.name) + "（" + text(event.outcome_label) + "）"
      + (event.patient_id ? " 患者番号 " + String(event.patient_id).padStart(8, "0") : " 未登録の患者") + " ";
    notice.appendChild(link);
  }

  var source = new EventSource("/events");
  source.addEventListener("arrival", function (message) {
    var event = JSON.parse(message.data);
    if (waitingFor && event.request === waitingFor) {
      window.location.href = "/patients/" + event.patient_id + "?arrival=" + event.id;
      return;
    }
    addArrivalRow(event);
    showNotice(event);
  });
  source.addEventListener("overdue", function (message) {
    var event = JSON.parse(message.data);
    if (waitingFor && event.request === waitingFor) {
      document.getElementById("overdue").hidden = false;
    }
  });
  source.addEventListener("request", function (message) {
    var event = JSON.parse(message.data);
    if (waitingFor && event.request === waitingFor) {
      var overdue = document.getElementById("overdue");
      overdue.hidden = false;
      overdue.insertBefore(document.createTextNode(text(event.message) + " "), overdue.firstChild);
    }
  });
  source.addEventListener("batch", function (message) {
    var event = JSON.parse(message.data);
    var heading = document.querySelector("[data-batch]");
    if (heading && heading.dataset.batch === String(event.id)) { window.location.reload(); }
  });
  source.addEventListener("reference", function (message) {
    var event = JSON.parse(message.data);
    var heading = document.querySelector("[data-patient]");
    var cellRef = document.getElementById("reference");
    if (heading && cellRef && heading.dataset.patient === String(event.patient_id) && event.ok) {
      cellRef.textContent = String(event.patient_id).padStart(8, "0");
    }
  });
  window.onshiDeskEvents = source;
})();
