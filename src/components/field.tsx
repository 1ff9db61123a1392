import { inputStyles } from './styles';

interface FieldProps {
  name: string;
  label: string;
  error?: string;
  defaultValue?: string;
  type?: string;
  autoComplete?: string;
  placeholder?: string;
  /** Renders a select with these options instead of an input. */
  options?: readonly string[];
  /** With `options`: a first option with an empty value, e.g. "Any". */
  emptyOption?: string;
  /** Id of the control; defaults to `field-<name>`. */
  id?: string;
  className?: string;
}

/** A labelled form control with its error message wired up for assistive technology. */
export function Field({ name, label, error, defaultValue, type = 'text', autoComplete, placeholder, options, emptyOption, id = `field-${name}`, className = 'space-y-1.5' }: FieldProps) {
  const errorId = `${id}-error`;
  const controlProps = {
    id,
    name,
    'aria-invalid': Boolean(error),
    'aria-describedby': error ? errorId : undefined,
    className: inputStyles,
    defaultValue,
  };
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {options ? (
        <select key={defaultValue} {...controlProps}>
          {emptyOption !== undefined && <option value="">{emptyOption}</option>}
          {options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      ) : (
        <input {...controlProps} type={type} autoComplete={autoComplete} placeholder={placeholder} />
      )}
      {error && (
        <p id={errorId} className="text-sm text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}
