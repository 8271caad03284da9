function grade(score) {
  if (score >= 90) {
    return "A";
  } else if (score >= 50) {
    return "B";
  }
  return "C";
}
function unused(x) {
  return x * 2;
}
module.exports = { grade, unused };
