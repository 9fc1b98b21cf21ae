// The knee's answer to a workout, evaluated in the browser: the offline twin of
// kneeaid/training/rules.py, reading the same static/data/training.json and giving
// the same answer for the same entries. Local days and weeks are this browser's.
// Imports nothing, shows nothing.

const DAY = 24 * 60 * 60 * 1000;

function zoneOfScores(rules, during, after) {
  const worst = Math.max(during, after);
  if (worst >= rules.scoreAtLeast.check) {
    return "check";
  }
  if (worst >= rules.scoreAtLeast.red) {
    return "red";
  }
  return worst >= rules.scoreAtLeast.amber ? "amber" : "green";
}

function symptomsToCheck(rules, workout, morning) {
  const scores = [workout.painDuring, workout.painAfter].concat(morning ? [morning.pain] : []);
  const signs = rules.checkSigns.filter((sign) => morning && (morning.signs || []).includes(sign));
  return signs.concat(Math.max(...scores) >= rules.scoreAtLeast.check ? [rules.checkScoreSymptom] : []);
}

// {zone, sofar, symptoms} of one workout, as rules.workout_zone.
function workoutZone(rules, workout, morning, before) {
  const sofar = zoneOfScores(rules, workout.painDuring, workout.painAfter);
  const symptoms = symptomsToCheck(rules, workout, morning);
  if (!morning) {
    return { zone: ["check", "red"].includes(sofar) ? sofar : rules.waiting, sofar, symptoms };
  }
  const worst = Math.max(workout.painDuring, workout.painAfter, morning.pain);
  let zone = sofar;
  if ((morning.signs || []).length || worst >= rules.scoreAtLeast.check) {
    zone = "check";
  } else if (sofar === "red" || morning.pain > before) {
    zone = "red";
  }
  return { zone, sofar, symptoms };
}

const time = (entry) => Date.parse(entry.at);

// A calendar day where the browser is, as a whole number of days.
function localDay(moment) {
  const date = new Date(moment);
  return Math.round(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) / DAY);
}

function morningAt(rules, workout) {
  if (workout.morningAt) {
    return Date.parse(workout.morningAt);
  }
  const date = new Date(time(workout));
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1, rules.morning.hour).getTime();
}

const within = (moment, now, days) => now - moment <= days * DAY;

// The diary sorted out for the rules, as rules.Diary.
function sortOut(entries) {
  const byTime = entries.slice().sort((a, b) => time(a) - time(b));
  const of = (kind) => byTime.filter((entry) => entry.kind === kind);
  return { workouts: of("workout"), pains: of("pain"), checks: of("check"), visits: of("doctor_visit") };
}

function morningOf(diary, workout) {
  const answers = diary.pains.filter((pain) => pain.morningOf === workout.id);
  return answers.length ? answers[answers.length - 1] : null;
}

function scoreBefore(diary, workout) {
  const start = time(workout) - workout.minutes * 60 * 1000;
  const earlier = diary.pains.filter((pain) => pain.knee === workout.knee && time(pain) < start
    && pain.morningOf !== workout.id);
  return earlier.length ? earlier[earlier.length - 1].pain : 0;
}

function sinceVisit(diary, entries, knee) {
  const visits = diary.visits.filter((visit) => !visit.knee || visit.knee === knee).map(time);
  const after = visits.length ? Math.max(...visits) : -Infinity;
  return entries.filter((entry) => entry.knee === knee && time(entry) > after);
}

function painAfterEveryWorkout(rules, diary, knee, now) {
  const rule = rules.patterns.after_every_workout;
  const last = sinceVisit(diary, diary.workouts, knee).slice(-rule.workouts);
  return last.length === rule.workouts
    && last.every((workout) => workout.painAfter >= rule.painAfterAtLeast && within(time(workout), now, rule.days));
}

function worsening(rules, diary, knee, now) {
  const rule = rules.patterns.worsening;
  const mornings = sinceVisit(diary, diary.pains, knee).filter((pain) => pain.morningOf);
  if (!mornings.length || !within(time(mornings[mornings.length - 1]), now, rule.days)) {
    return false;
  }
  const highest = new Map();
  for (const pain of mornings) {
    const day = localDay(time(pain));
    const monday = day - ((new Date(time(pain)).getDay() + 6) % 7);
    highest.set(monday, Math.max(highest.get(monday) ?? 0, pain.pain));
  }
  const latest = Math.max(...highest.keys());
  const weeks = [];
  for (let back = rule.risingWeeks; back >= 0; back -= 1) {
    weeks.push(latest - 7 * back);
  }
  return weeks.every((week) => highest.has(week))
    && weeks.slice(1).every((week, n) => highest.get(weeks[n]) < highest.get(week));
}

function painOverTwoDays(rules, diary, knee, now) {
  const rule = rules.patterns.pain_over_2_days;
  const days = new Map();
  for (const pain of sinceVisit(diary, diary.pains, knee)) {
    if (within(time(pain), now, rule.days)) {
      const day = localDay(time(pain));
      days.set(day, (days.get(day) ?? true) && pain.pain > 0);
    }
  }
  const painful = new Set([...days].filter(([, allAbove0]) => allAbove0).map(([day]) => day));
  return [...painful].some((day) => Array.from({ length: rule.daysInARow }, (_, n) => day + n)
    .every((next) => painful.has(next)));
}

const KNEE_PATTERNS = {
  after_every_workout: painAfterEveryWorkout,
  worsening,
  pain_over_2_days: painOverTwoDays,
};

function standingCheck(rules, diary, now) {
  const rule = rules.patterns.check_stands;
  const visits = diary.visits.map(time);
  const standing = diary.checks.filter((check) => within(time(check), now, rule.days)
    && (rule.tiers.includes(check.tier)
      || (check.tier === rule.untilSeenTier && !visits.some((visit) => visit > time(check)))));
  return standing.length ? standing[standing.length - 1] : null;
}

function morningIsDue(rules, workout, now) {
  const asked = morningAt(rules, workout);
  return asked <= now && now <= asked + rules.morning.askedForHours * 60 * 60 * 1000;
}

// "Can I train today?" for each knee with a workout in the last 14 days, as rules.knee_answers.
function kneeAnswers(rules, entries, now) {
  const diary = sortOut(entries);
  const check = standingCheck(rules, diary, now);
  const answers = [];
  for (const knee of ["left", "right", "both"]) {
    const workouts = diary.workouts.filter((workout) => workout.knee === knee);
    const latest = workouts[workouts.length - 1];
    if (!latest || !within(time(latest), now, rules.recentDays)) {
      continue;
    }
    const morning = morningOf(diary, latest);
    const found = Object.keys(KNEE_PATTERNS).filter((pattern) => KNEE_PATTERNS[pattern](rules, diary, knee, now));
    answers.push({
      knee,
      workout: latest,
      morning,
      ...workoutZone(rules, latest, morning, scoreBefore(diary, latest)),
      patterns: rules.patternOrder.filter((pattern) => found.includes(pattern)
        || (pattern === "check_stands" && check)),
      standingCheck: check,
      morningDue: !morning && morningIsDue(rules, latest, now),
    });
  }
  return answers;
}

export { kneeAnswers, morningAt, workoutZone, zoneOfScores };
