// The page of `xlcheck serve`: each workbook dropped or picked is checked (POST /api/check, the
// findings shown), then fixed (POST /api/fix, the corrected copy kept for its download button).
// No framework and no build step; all text from a workbook is inserted as text, never as HTML.
"use strict";

(() => {
  const $ = (selector, root = document) => root.querySelector(selector);
  const SEVERITY = { error: "错误", warning: "警告", info: "提示" };
  const KIND = { project: "项目支出", department: "部门整体" };
  const PROFILE_LABEL = { hubei: "湖北表式（20 + 20 + 60）", national: "全国模板（10 + 90）" };
  // what went wrong, in plain words, by the answer's error.code; the server's message says what to do
  const PROBLEM = {
    encrypted: "文件设有打开密码，无法读取",
    not_workbook: "这不是 Excel 工作簿",
    empty: "文件是空的（0 字节）",
    corrupt: "文件已损坏或内容不完整",
    no_form: "文件中没有找到绩效自评表",
    unsupported: "不支持 .xlsb 二进制工作簿",
    too_large: "文件解压后过大，已拒绝读取",
    unsafe_xml: "文件含有不安全的内容，已拒绝读取",
    too_big: "文件太大，没有上传",
    missing: "文件无法读取",
    internal: "处理时出现内部错误",
    bad_request: "上传没有成功",
    network: "无法连接到 xlcheck 服务",
  };
  const MAX_PARALLEL = 2; // uploads at a time: the checks share the computer's cores

  let info = { limit_bytes: 50 * 1024 * 1024, profiles: ["hubei", "national"], default_profile: null };
  const entries = [];
  let running = 0;

  // ------------------------------------------------------------------ small helpers

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function megabytes(bytes) {
    return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
  }

  function shown(value) {
    return value === null || value === undefined || value === "" ? "—" : String(value);
  }

  function countBy(findings) {
    const counts = { error: 0, warning: 0, info: 0 };
    for (const finding of findings) counts[finding.severity] = (counts[finding.severity] || 0) + 1;
    return counts;
  }

  // ------------------------------------------------------------------ talking to the server

  // POST the file (and the profile choice); resolves {status, body} — body is JSON, or a Blob for a
  // corrected copy; status 0 when the server could not be reached.
  function send(url, entry, profile, wantBlob, onProgress) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.responseType = wantBlob ? "blob" : "json";
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
      };
      xhr.onload = async () => {
        let body = xhr.response;
        if (wantBlob && xhr.status !== 200 && body) {
          try { body = JSON.parse(await body.text()); } catch (_) { body = null; }
        }
        resolve({ status: xhr.status, body, xhr });
      };
      xhr.onerror = () => resolve({ status: 0, body: null, xhr });
      const form = new FormData();
      form.append("profile", profile);
      form.append("file", entry.file, entry.file.name);
      xhr.send(form);
    });
  }

  function problemOf(answer) {
    const file = answer.body && answer.body.files && answer.body.files[0];
    if (file && file.error) return file.error;
    if (answer.status === 0) {
      return { code: "network", message: "请确认运行 xlcheck serve 的窗口仍然开着，然后刷新本页面重试。" };
    }
    if (answer.status === 413) {
      return { code: "too_big", message: `文件超过 ${megabytes(info.limit_bytes)} 的上传上限。` };
    }
    return { code: "internal", message: `服务返回了意外的结果（HTTP ${answer.status}）。请重试。` };
  }

  // ------------------------------------------------------------------ one entry per workbook

  function addFiles(fileList) {
    for (const file of fileList) {
      const node = $("#entry").content.firstElementChild.cloneNode(true);
      const entry = { file, node, state: "queued", doc: null, blob: null, downloadName: null, removed: false };
      $(".file-name", node).textContent = file.name;
      $(".file-size", node).textContent = megabytes(file.size);
      $(".download", node).addEventListener("click", () => download(entry.blob, entry.downloadName));
      $(".remove", node).addEventListener("click", () => remove(entry));
      $("#list").append(node);
      entries.push(entry);
      setState(entry, "queued", "排队中");
    }
    refreshToolbar();
    pump();
  }

  function setState(entry, state, label) {
    entry.state = state;
    entry.node.dataset.state = state;
    $(".state", entry.node).textContent = label;
    $(".progress", entry.node).hidden = state !== "uploading";
  }

  function pump() {
    while (running < MAX_PARALLEL) {
      const next = entries.find((entry) => entry.state === "queued");
      if (!next) return;
      running += 1;
      process(next).finally(() => {
        running -= 1;
        refreshToolbar();
        pump();
      });
    }
  }

  async function process(entry) {
    const profile = $("#profile").value;
    if (entry.file.size > info.limit_bytes) {
      showProblem(entry, {
        code: "too_big",
        message: `文件大小 ${megabytes(entry.file.size)}，超过 ${megabytes(info.limit_bytes)} 的上传上限。请删去无关的工作表或图片后另存再试。`,
      });
      return;
    }
    setState(entry, "uploading", "上传中 0%");
    const checked = await send("/api/check", entry, profile, false, (share) => {
      $(".bar", entry.node).style.width = `${Math.round(share * 100)}%`;
      setState(entry, share < 1 ? "uploading" : "checking", share < 1 ? `上传中 ${Math.round(share * 100)}%` : "核查中…");
    });
    if (entry.removed) return;
    if (checked.status !== 200) {
      showProblem(entry, problemOf(checked));
      return;
    }
    entry.doc = checked.body.files[0];
    showReport(entry);
    setState(entry, "fixing", "正在生成更正副本…");
    const fixed = await send("/api/fix", entry, profile, true, null);
    if (entry.removed) return;
    if (fixed.status !== 200) {
      showProblem(entry, problemOf(fixed));
      return;
    }
    entry.blob = fixed.body;
    entry.downloadName = nameFrom(fixed.xhr) || entry.doc.output || `${entry.file.name}.checked.xlsx`;
    $(".download", entry.node).disabled = false;
    if (fixed.xhr.getResponseHeader("X-Xlcheck-Converted-From")) {
      $(".summary", entry.node).textContent += " 原文件是 .xls 格式，更正副本已转换为 .xlsx（保留数值、数字格式、合并单元格、列宽和行高；字体、边框等样式未保留）。";
    }
    const counts = countBy(entry.doc.findings);
    const label = counts.error ? `已完成：${counts.error} 处错误` : counts.warning ? `已完成：无错误，${counts.warning} 处警告` : "已完成：未发现问题";
    setState(entry, counts.error ? "done-errors" : counts.warning ? "done-warnings" : "done-clean", label);
  }

  function nameFrom(xhr) {
    const header = xhr.getResponseHeader("Content-Disposition") || "";
    const match = header.match(/filename\*=UTF-8''([^;]+)/i);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function showProblem(entry, problem) {
    setState(entry, "problem", "无法核查");
    const box = $(".problem", entry.node);
    $(".problem-title", box).textContent = PROBLEM[problem.code] || "无法核查";
    $(".problem-text", box).textContent = problem.message;
    box.hidden = false;
    for (const part of [".summary", ".forms", ".findings", ".none-shown"]) $(part, entry.node).hidden = true;
  }

  function showReport(entry) {
    const doc = entry.doc;
    const node = entry.node;
    $(".problem", node).hidden = true;
    const counts = countBy(doc.findings);
    const fixable = doc.findings.filter((f) => f.fixable).length;
    let text = `找到 ${doc.forms.length} 张自评表。`;
    text += doc.findings.length
      ? `错误 ${counts.error} 处，警告 ${counts.warning} 处，提示 ${counts.info} 处` + (fixable ? `；其中 ${fixable} 处在更正副本中已改为核算值。` : "。")
      : "未发现问题。";
    const differing = doc.forms.filter((f) => f.computed_total !== null && f.reported_total !== f.computed_total);
    if (differing.length) {
      text += ` 总分不符：${differing.map((f) => `${f.sheet}（填报 ${shown(f.reported_total)}，应为 ${f.computed_total}）`).join("；")}。`;
    }
    const summary = $(".summary", node);
    summary.textContent = text;
    summary.hidden = false;

    const forms = $(".forms tbody", node);
    forms.replaceChildren();
    for (const form of doc.forms) {
      const row = el("tr");
      const differs = form.computed_total !== null && form.reported_total !== form.computed_total;
      if (differs) row.className = "mismatch";
      row.append(el("td", "", form.name && form.name !== form.sheet ? `${form.sheet}（${form.name}）` : form.sheet),
        el("td", "", KIND[form.kind] || form.kind),
        el("td", "num", shown(form.reported_total)), el("td", "num", shown(form.computed_total)));
      forms.append(row);
    }
    $(".forms", node).hidden = doc.forms.length === 0;

    const body = $(".findings tbody", node);
    body.replaceChildren();
    for (const finding of doc.findings) {
      const row = el("tr", `sev-${finding.severity}`);
      row.append(el("td", "col-sev"));
      row.lastChild.append(el("span", "badge", SEVERITY[finding.severity] || finding.severity));
      row.append(el("td", "col-where", `${finding.sheet}!${finding.cell}`), el("td", "col-field", finding.field));
      const values = el("td", "col-values");
      values.append(el("span", "reported", shown(finding.reported)));
      if (finding.expected) {
        values.append(el("span", "arrow", " → "), el("span", "expected", finding.expected));
      }
      if (finding.fixable) values.append(el("span", "fixed-tag", "副本中已更正"));
      const message = el("td", "col-message", finding.message);
      if (finding.related && finding.related.length) {
        const related = el("span", "related", relatedText(finding));
        related.title = finding.related.join("、");
        message.append(related);
      }
      row.append(values, message);
      body.append(row);
    }
    $(".findings", node).hidden = doc.findings.length === 0;
    applyFilter();
  }

  // "相关单元格：G14、G15 … 等 33 个", the sheet left out where it is the finding's own; all of them on hover
  function relatedText(finding) {
    const own = `${finding.sheet}!`;
    const cells = finding.related.map((cell) => (cell.startsWith(own) ? cell.slice(own.length) : cell));
    return `相关单元格：${cells.slice(0, 6).join("、")}${cells.length > 6 ? ` 等 ${cells.length} 个` : ""}`;
  }

  function remove(entry) {
    entry.removed = true;
    entry.node.remove();
    entries.splice(entries.indexOf(entry), 1);
    refreshToolbar();
  }

  // ------------------------------------------------------------------ toolbar: filter, profile, zip

  function applyFilter() {
    const hidden = [...document.querySelectorAll("#filter input")].filter((box) => !box.checked).map((box) => box.value);
    for (const severity of Object.keys(SEVERITY)) $("#list").classList.toggle(`hide-${severity}`, hidden.includes(severity));
    for (const entry of entries) {
      if (!entry.doc || entry.state === "problem") continue;
      const visible = entry.doc.findings.some((f) => !hidden.includes(f.severity));
      $(".none-shown", entry.node).hidden = visible || entry.doc.findings.length === 0;
      $(".findings", entry.node).hidden = !visible;
    }
  }

  function refreshToolbar() {
    const totals = { error: 0, warning: 0, info: 0 };
    for (const entry of entries) {
      if (!entry.doc || entry.state === "problem") continue;
      const counts = countBy(entry.doc.findings);
      for (const key of Object.keys(totals)) totals[key] += counts[key] || 0;
    }
    for (const key of Object.keys(totals)) $(`[data-count="${key}"]`).textContent = totals[key];
    $("#zip").disabled = !entries.some((entry) => entry.blob);
    $("#clear").disabled = entries.length === 0;
    $("#empty").hidden = entries.length > 0;
  }

  function recheckAll() {
    for (const entry of entries) {
      if (entry.state === "queued" || entry.state === "uploading" || entry.state === "checking" || entry.state === "fixing") continue;
      entry.doc = null;
      entry.blob = null;
      $(".download", entry.node).disabled = true;
      for (const part of [".problem", ".summary", ".forms", ".findings", ".none-shown"]) $(part, entry.node).hidden = true;
      setState(entry, "queued", "排队中");
    }
    refreshToolbar();
    pump();
  }

  function download(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = el("a");
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  // A zip without compression (a corrected workbook is already compressed), names in UTF-8 (flag 0x0800).
  let crcTable = null;
  function crc32(bytes) {
    if (!crcTable) {
      crcTable = new Uint32Array(256);
      for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        crcTable[n] = c >>> 0;
      }
    }
    let crc = 0xffffffff;
    for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  }

  async function makeZip(files) {
    const encoder = new TextEncoder();
    const now = new Date();
    const time = (now.getHours() << 11) | (now.getMinutes() << 5) | (now.getSeconds() >> 1);
    const date = ((now.getFullYear() - 1980) << 9) | ((now.getMonth() + 1) << 5) | now.getDate();
    const parts = [];
    const central = [];
    let offset = 0;
    for (const file of files) {
      const data = new Uint8Array(await file.blob.arrayBuffer());
      const name = encoder.encode(file.name);
      const crc = crc32(data);
      const local = new DataView(new ArrayBuffer(30));
      [[0, 0x04034b50, 4], [4, 20, 2], [6, 0x0800, 2], [8, 0, 2], [10, time, 2], [12, date, 2], [14, crc, 4],
        [18, data.length, 4], [22, data.length, 4], [26, name.length, 2], [28, 0, 2]]
        .forEach(([at, value, size]) => (size === 4 ? local.setUint32(at, value, true) : local.setUint16(at, value, true)));
      const head = new DataView(new ArrayBuffer(46));
      [[0, 0x02014b50, 4], [4, 20, 2], [6, 20, 2], [8, 0x0800, 2], [10, 0, 2], [12, time, 2], [14, date, 2], [16, crc, 4],
        [20, data.length, 4], [24, data.length, 4], [28, name.length, 2], [30, 0, 2], [32, 0, 2], [34, 0, 2], [36, 0, 2],
        [38, 0, 4], [42, offset, 4]]
        .forEach(([at, value, size]) => (size === 4 ? head.setUint32(at, value, true) : head.setUint16(at, value, true)));
      parts.push(local, name, data);
      central.push(head, name);
      offset += 30 + name.length + data.length;
    }
    const size = central.reduce((sum, part) => sum + part.byteLength, 0);
    const end = new DataView(new ArrayBuffer(22));
    [[0, 0x06054b50, 4], [4, 0, 2], [6, 0, 2], [8, files.length, 2], [10, files.length, 2], [12, size, 4], [16, offset, 4], [20, 0, 2]]
      .forEach(([at, value, width]) => (width === 4 ? end.setUint32(at, value, true) : end.setUint16(at, value, true)));
    return new Blob([...parts, ...central, end], { type: "application/zip" });
  }

  async function downloadAll() {
    const taken = new Set();
    const files = [];
    for (const entry of entries) {
      if (!entry.blob) continue;
      let name = entry.downloadName;
      for (let number = 2; taken.has(name); number++) name = entry.downloadName.replace(/(\.[^.]+)$/, `-${number}$1`);
      taken.add(name);
      files.push({ name, blob: entry.blob });
    }
    if (files.length) download(await makeZip(files), "更正副本.zip");
  }

  // ------------------------------------------------------------------ wiring

  async function start() {
    try {
      const answer = await fetch("/api/info");
      if (answer.ok) info = await answer.json();
    } catch (_) { /* the defaults above */ }
    $("#limit").textContent = Math.round(info.limit_bytes / 1024 / 1024);
    const select = $("#profile");
    if (info.default_profile) {
      const own = el("option", "", `按本服务的设定（${info.default_profile}）`);
      own.value = "";
      select.prepend(own);
      select.value = "";
    }
    for (const name of info.profiles) {
      const option = el("option", "", PROFILE_LABEL[name] || name);
      option.value = name;
      select.append(option);
    }
    select.addEventListener("change", recheckAll);
    if (info.config) $("#config").textContent = `（按配置文件 ${info.config} 选择规则）`;

    const drop = $("#drop");
    const input = $("#files");
    $("#pick").addEventListener("click", (event) => { event.stopPropagation(); input.click(); });
    drop.addEventListener("click", () => input.click());
    drop.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); input.click(); } });
    input.addEventListener("change", () => { addFiles([...input.files]); input.value = ""; });
    // the whole window takes drops, so a file dropped beside the box is not opened by the browser instead
    let depth = 0;
    window.addEventListener("dragenter", (event) => { event.preventDefault(); depth += 1; drop.classList.add("over"); });
    window.addEventListener("dragleave", () => { depth = Math.max(0, depth - 1); if (!depth) drop.classList.remove("over"); });
    window.addEventListener("dragover", (event) => event.preventDefault());
    window.addEventListener("drop", (event) => {
      event.preventDefault();
      depth = 0;
      drop.classList.remove("over");
      if (event.dataTransfer && event.dataTransfer.files.length) addFiles([...event.dataTransfer.files]);
    });

    for (const box of document.querySelectorAll("#filter input")) box.addEventListener("change", applyFilter);
    $("#zip").addEventListener("click", downloadAll);
    $("#clear").addEventListener("click", () => {
      for (const entry of [...entries]) remove(entry);
    });
    refreshToolbar();
    document.body.dataset.ready = "1";
  }

  start();
})();
