'use client';
// One of a few options as a row of joined buttons. As a `radiogroup` each button is a radio (a
// setting such as a time range); as a `group` they are toggle buttons (views of the same data).
// The ends are rounded rather than clipped, so the keyboard focus outline shows in full.

export function Segmented<T extends string>({
  role,
  label,
  options,
  value,
  onChange,
  textOf = String,
}: {
  role: 'radiogroup' | 'group';
  label: string;
  options: readonly T[];
  value: T;
  onChange: (value: T) => void;
  textOf?: (option: T) => string;
}) {
  const radio = role === 'radiogroup';
  return (
    <div
      role={role}
      aria-label={label}
      className="inline-flex rounded-md border border-slate-300 text-sm dark:border-slate-600"
    >
      {options.map((option) => (
        <button
          key={option}
          type="button"
          role={radio ? 'radio' : undefined}
          aria-checked={radio ? option === value : undefined}
          aria-pressed={radio ? undefined : option === value}
          onClick={() => onChange(option)}
          className={`px-3 py-1 first:rounded-l-md last:rounded-r-md ${option === value ? 'bg-indigo-600 text-white' : 'hover:bg-slate-100 dark:hover:bg-slate-800'}`}
        >
          {textOf(option)}
        </button>
      ))}
    </div>
  );
}
