// A small labelled CSV of the kind a student uploads to the news lesson: three classes whose
// texts share no words, 40 rows each.

/** The file's bytes from its lines. */
export const csv = (rows) => Buffer.from(rows.join('\n') + '\n');

/** Its lines: a header and 120 rows. */
export const goodRows = () => {
  const rows = ['label,text'];
  const words = { fruit: 'apple banana cherry mango', car: 'engine wheel brake gear', bird: 'wing feather beak nest' };
  for (let i = 0; i < 40; i++) for (const [label, w] of Object.entries(words)) rows.push(`${label},"${w.split(' ')[i % 4]} and ${w.split(' ')[(i + 1) % 4]} ${i}"`);
  return rows;
};
