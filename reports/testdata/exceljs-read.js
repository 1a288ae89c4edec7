// Reads each workbook given with exceljs and prints what it saw as JSON
// (TestWorkbooksOpenInExcelJS). NODE_PATH points at exceljs.
const ExcelJS = require('exceljs');
(async () => {
  const out = {};
  for (const p of process.argv.slice(2)) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(p);
    const info = {sheets: wb.worksheets.map(w => w.name), title: wb.title, created: wb.created ? wb.created.toISOString() : '', company: wb.company, cells: {}};
    for (const ws of wb.worksheets) {
      for (let r = 1; r <= Math.min(ws.rowCount, 6); r++) {
        ws.getRow(r).eachCell((c, n) => {
          const v = c.value;
          info.cells[ws.name + '!' + c.address] = (v && typeof v === 'object' && 'formula' in v) ? ['=' + v.formula, String(v.result)] : [String(v instanceof Date ? v.toISOString() : v)];
        });
      }
    }
    out[p] = info;
  }
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e.stack || e); process.exit(1); });
