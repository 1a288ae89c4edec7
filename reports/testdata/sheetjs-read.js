// Reads each workbook given with SheetJS (npm xlsx) and prints what it saw
// as JSON (TestWorkbooksOpenInSheetJS). NODE_PATH points at xlsx.
const XLSX = require('xlsx');
const out = {};
for (const p of process.argv.slice(2)) {
  const wb = XLSX.readFile(p, {cellFormula: true});
  const props = wb.Props || {};
  const info = {sheets: wb.SheetNames, title: props.Title || '', company: props.Company || '', cells: {}};
  for (const name of wb.SheetNames) {
    const ws = wb.Sheets[name];
    if (!ws['!ref']) continue;
    const range = XLSX.utils.decode_range(ws['!ref']);
    for (let r = range.s.r; r <= Math.min(range.e.r, 7); r++) {
      for (let c = range.s.c; c <= range.e.c; c++) {
        const ref = XLSX.utils.encode_cell({r, c});
        const cell = ws[ref];
        if (!cell || (cell.v === undefined && !cell.f)) continue;
        info.cells[name + '!' + ref] = cell.f ? ['=' + cell.f, String(cell.v)] : [String(cell.v)];
      }
    }
  }
  out[p] = info;
}
console.log(JSON.stringify(out));
