const assert = require("node:assert");
const { grade } = require("./lib.js");
assert.strictEqual(grade(95), "A");
assert.strictEqual(grade(60), "B");
