package bot

import (
	"fmt"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/qamqor/qamqor/content"
)

// Message ids of the interface strings in locales/active.*.toml.
const (
	msgGreeting            MessageID = "Greeting"
	msgChooseLanguageFirst MessageID = "ChooseLanguageFirst"
	msgButtonBack          MessageID = "ButtonBack"
	msgButtonMainMenu      MessageID = "ButtonMainMenu"
	msgLanguageChanged     MessageID = "LanguageChanged"
	msgHelp                MessageID = "Help"
	msgKeptDays            MessageID = "KeptDays"
	// issue 16: one story about privacy
	msgPrivacySession      MessageID = "PrivacySession"
	msgPrivacyAnswers      MessageID = "PrivacyAnswers"
	msgSearchFound         MessageID = "SearchFound"
	msgSearchOtherLanguage MessageID = "SearchOtherLanguage"
	msgSearchNothing       MessageID = "SearchNothing"
	msgEmptyMessage        MessageID = "EmptyMessage"
	msgUnknownCommand      MessageID = "UnknownCommand"
	msgStaleButton         MessageID = "StaleButton"
	msgNodeGone            MessageID = "NodeGone"
	msgNoSuchButton        MessageID = "NoSuchButton"
	msgUnavailable         MessageID = "Unavailable"
	msgInternalError       MessageID = "InternalError"
	msgSources             MessageID = "Sources"
	msgUnsupported         MessageID = "Unsupported"
	msgFlowGoOn            MessageID = "FlowGoOn"         // back in a feature's flow that cannot ask again
	msgNothingFoundHelp    MessageID = "NothingFoundHelp" // ends every "nothing found"
	msgCommandStart        MessageID = "CommandStart"
	msgCommandMenu         MessageID = "CommandMenu"
	msgCommandLang         MessageID = "CommandLang"
	msgCommandHelp         MessageID = "CommandHelp"

	msgWhatCanIGet       MessageID = "WhatCanIGet"
	msgQuestionOf        MessageID = "QuestionOf"
	msgQuestionN         MessageID = "QuestionN"
	msgYes               MessageID = "Yes"
	msgNo                MessageID = "No"
	msgTypeNumber        MessageID = "TypeNumber"
	msgNotANumber        MessageID = "NotANumber"
	msgOutOfRange        MessageID = "OutOfRange"
	msgSeveralNumbers    MessageID = "SeveralNumbers"
	msgLeaveScreenerAsk  MessageID = "LeaveScreenerAsk"
	msgLeaveScreener     MessageID = "LeaveScreener"
	msgContinueScreener  MessageID = "ContinueScreener"
	msgUseButtons        MessageID = "UseButtons"
	msgSummaryTitle      MessageID = "SummaryTitle"
	msgChangeAnswer      MessageID = "ChangeAnswer"
	msgShowResult        MessageID = "ShowResult"
	msgResultIntro       MessageID = "ResultIntro"
	msgResultNone        MessageID = "ResultNone"
	msgResultUnchecked   MessageID = "ResultUnchecked"
	msgLabelAmount       MessageID = "LabelAmount"
	msgLabelDocuments    MessageID = "LabelDocuments"
	msgLabelApply        MessageID = "LabelApply"
	msgLabelLegal        MessageID = "LabelLegal"
	msgLabelContact      MessageID = "LabelContact"
	msgLabelTime         MessageID = "LabelTime"
	msgLabelFor          MessageID = "LabelFor"
	msgLabelOffices      MessageID = "LabelOffices"
	msgLabelExcludes     MessageID = "LabelExcludes"
	msgLegalArticle      MessageID = "LegalArticle"
	msgLegalArticlePoint MessageID = "LegalArticlePoint"
	msgNoOffices         MessageID = "NoOffices"
	msgOfficesChecked    MessageID = "OfficesChecked"
	msgPhones            MessageID = "Phones"
	msgOpenSite          MessageID = "OpenSite"
	msgOpenLaw           MessageID = "OpenLaw"
	msgChooseRegion      MessageID = "ChooseRegion"
	msgPickRegion        MessageID = "PickRegion"
	msgChangeRegion      MessageID = "ChangeRegion"

	msgChannelEgov       MessageID = "ChannelEgov"
	msgChannelCON        MessageID = "ChannelCON"
	msgChannelOffice     MessageID = "ChannelOffice"
	msgChannelCourt      MessageID = "ChannelCourt"
	msgChannelPolyclinic MessageID = "ChannelPolyclinic"
	msgChannelPhone      MessageID = "ChannelPhone"
	msgChannelOnline     MessageID = "ChannelOnline"
	msgChannelPost       MessageID = "ChannelPost"
	msgVerified          MessageID = "Verified"
	msgUnverified        MessageID = "Unverified"
	msgWhyNotButton      MessageID = "WhyNotButton"
	msgWhyNotTitle       MessageID = "WhyNotTitle"
	msgWhyNotNone        MessageID = "WhyNotNone"
	msgNotInRegion       MessageID = "NotInRegion"
	msgSaveChecklist     MessageID = "SaveChecklist"
	msgChecklistSent     MessageID = "ChecklistSent"
	msgChecklistMade     MessageID = "ChecklistMade"
	msgChecklistFooter   MessageID = "ChecklistFooter"
	msgChangeAnswers     MessageID = "ChangeAnswers"

	msgSkipped           MessageID = "Skipped"
	msgTooFast           MessageID = "TooFast"
	msgTooManySearches   MessageID = "TooManySearches"
	msgTooManyChecklists MessageID = "TooManyChecklists"
)

// MessageIDs lists every interface string the engine uses, so a test can prove each exists
// in both languages and that the files hold nothing unused.
var MessageIDs = []MessageID{
	msgGreeting, msgChooseLanguageFirst, msgButtonBack, msgButtonMainMenu, msgLanguageChanged,
	msgHelp, msgKeptDays, msgPrivacySession, msgPrivacyAnswers, msgSearchFound, msgSearchOtherLanguage, msgSearchNothing, msgEmptyMessage, msgUnknownCommand, msgStaleButton, msgNodeGone,
	msgNoSuchButton, msgUnavailable, msgInternalError, msgSources, msgUnsupported, msgFlowGoOn, msgNothingFoundHelp,
	msgCommandStart, msgCommandMenu, msgCommandLang, msgCommandHelp,
	msgResultUnchecked,
	msgWhatCanIGet, msgQuestionOf, msgQuestionN, msgYes, msgNo, msgTypeNumber, msgNotANumber, msgOutOfRange, msgSeveralNumbers, msgLeaveScreenerAsk, msgLeaveScreener, msgContinueScreener, msgUseButtons, msgSummaryTitle, msgChangeAnswer, msgShowResult, msgResultIntro, msgResultNone, msgLabelAmount, msgLabelDocuments, msgLabelApply, msgLabelLegal, msgLabelContact, msgVerified, msgUnverified, msgWhyNotButton, msgWhyNotTitle, msgWhyNotNone, msgNotInRegion, msgSaveChecklist, msgChecklistSent, msgChecklistMade, msgChecklistFooter, msgChangeAnswers,
	msgSkipped, msgTooFast, msgTooManySearches, msgTooManyChecklists,
	msgLabelTime, msgLabelFor, msgLabelOffices, msgLabelExcludes, msgLegalArticle, msgLegalArticlePoint, msgNoOffices, msgOfficesChecked, msgPhones,
	msgOpenSite, msgOpenLaw, msgChooseRegion, msgPickRegion, msgChangeRegion,
	msgChannelEgov, msgChannelCON, msgChannelOffice, msgChannelCourt, msgChannelPolyclinic, msgChannelPhone, msgChannelOnline, msgChannelPost,
}

// translator renders interface strings in one of the supported languages.
type translator struct {
	bundle *i18n.Bundle
	loc    map[content.Lang]*i18n.Localizer
}

func newTranslator(b *i18n.Bundle) *translator {
	t := &translator{bundle: b, loc: map[content.Lang]*i18n.Localizer{}}
	for _, l := range content.Langs {
		t.loc[l] = i18n.NewLocalizer(b, string(l))
	}
	return t
}

// T renders message id in lang. data is a template's data; data["Count"] (for KeptDays,
// data["Days"]) selects the CLDR plural form of a counted message: «1 получатель»,
// «2 получателя», «5 получателей». A missing message shows its id rather than nothing:
// tests keep that from reaching users.
func (t *translator) T(lang content.Lang, id MessageID, data map[string]any) string {
	loc, ok := t.loc[lang]
	if !ok {
		loc = t.loc[content.RU]
	}
	cfg := &i18n.LocalizeConfig{MessageID: string(id), TemplateData: data}
	if n, ok := data["Count"]; ok {
		cfg.PluralCount = n
	} else if n, ok := data["Days"]; ok && id == msgKeptDays {
		cfg.PluralCount = n
	}
	s, err := loc.Localize(cfg)
	if err != nil && cfg.PluralCount != nil {
		// A message without plural forms («Получат: {{.Count}}») has only "other", which
		// go-i18n does not pick for a count: render it as it is.
		cfg.PluralCount = nil
		s, err = loc.Localize(cfg)
	}
	if err != nil {
		return fmt.Sprintf("[%s]", id)
	}
	return s
}

// both renders a message in Kazakh and then Russian, for people whose language is unknown.
func (t *translator) both(id MessageID) string {
	return t.T(content.KK, id, nil) + "\n\n" + t.T(content.RU, id, nil)
}
